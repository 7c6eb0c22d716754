//===- Passes.td - attn passes -----------------------------*- tablegen -*-===//

#ifndef ATTN_PASSES_TD
#define ATTN_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttnDecompose : Pass<"attn-decompose"> {
  let summary = "Decompose structural attn ops into attn.attention and "
                "upstream dialects";
  let description = [{
    Rewrites every structural op of the dialect (shared/VARIANTS.md
    section D) into the core `attn.attention` op plus `linalg` (projections
    and elementwise steps as `linalg.generic`, zero inits with
    `linalg.fill`), `tensor` (`empty`, `dim`, `expand_shape`,
    `collapse_shape`) and `arith`/`math`. The attention itself always stays
    in one `attn.attention`, which `attn-tile` fuses; the surrounding linalg
    is bufferized and lowered to loops by the pipelines.

    - `attn.multi_head`: `xq Wq`, `xkv Wk`, `xkv Wv` as contractions that
      write `[B, H, S, D]` directly (the head split is an `expand_shape`
      of the weight, no copy); `attn.attention` (with `causal`, and GQA
      through `num_kv_heads`); one contraction over `(h, d)` that merges the
      heads, applies `head_gates` and multiplies by `Wo`.
    - `attn.feed_forward_pool`: the scores `u . tanh(h W + b)` as two
      `linalg.generic`s, then `attn.attention` with one unit query of
      dimension 1 whose keys are the scores (`scale = 1.0`) and whose values
      are the rows of `h`.
    - `attn.co_attention`: two `attn.attention` (`scale = 1.0`),
      `(a, b, b)` and `(b, a, a)`.
    - `attn.attention_over_attention`: four `attn.attention` whose
      log-sum-exp results give the row and column normalisers and the
      scores, without materialising the `Nd x Nq` matrix.
    - `attn.memory_network`: an `scf.for` over the hops whose body is one
      `attn.attention` (`scale = 1.0`) and one `linalg.generic` adding the
      read to `u`, so the IR does not grow with `hops`.

    docs/variants/structure.md shows each decomposition.

    A `linalg.softmax` left in the graph (attn-raise fuses the ones that
    belong to an attention) becomes its max, exp, sum and divide
    `linalg.generic`s, and a `tensor.expand_shape` that splits one
    dimension into several dynamic sizes becomes `tensor.reshape` with the
    sizes as a tensor (LLVM 22's `expand-strided-metadata` crashes on the
    memref form).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"];
}

def AttnRaise : Pass<"attn-raise", "func::FuncOp"> {
  let summary = "Find attention written in linalg and replace it by attn.attention";
  let description = [{
    Model graphs from other frontends (the ONNX importer's unfused
    MatMul/Softmax/MatMul, linalg from other compilers) write attention as
    separate ops that materialise the `Sq x Skv` scores. This pass
    recognises, on tensors:

    ```
    s = contraction(Q [B,H,Sq,D], K^T)      // K^T: a transposed operand
                                            // map, or transposes of K
    s = s * c  |  s / c  |  c * s           // optional, c a constant splat
    s = s + bias                            // optional, bias [B|1,H|1,Sq|1,Skv|1]
                                            // or its trailing dimensions
    s = select(mask, s, -inf)               // optional, i1 mask, as the bias
    P = linalg.softmax dimension(3) s       // or decomposed, below
    O = contraction(P, V [B,H,Skv,Dv])      // into a zero fill
    ```

    The softmax may also be written out as generics, as frontends without
    a softmax op do (ONNX `ReduceMax`/`Sub`/`Exp`/`ReduceSum`/`Div`):
    `m = max over the keys of s` (into a `-inf` fill), `e = exp(s - m)`
    (a subtraction then `math.exp`), `z = sum over the keys of e` (into a
    zero fill), `P = e / z`; `m` and `z` are read back either as `[B,H,Sq]`
    or through a unit-dim `expand_shape` to `[B,H,Sq,1]`; the reductions
    may be `linalg.reduce` and the division a multiplication by `1 / z`
    taken on the `[.., 1]` rows, which is what `tosa-to-linalg` makes of
    TOSA's `reduce_max`/`reduce_sum`/`reciprocal`/`mul` (the pipelines run
    the TOSA conversions before this pass, so TOSA models are raised too).
    The select's
    hiding value must be `-inf` or at most `-1e30` (a finite penalty is a
    score, not a mask); the mask becomes `mask` (true = visible), so
    hidden key tiles are skipped instead of computed. A row the mask hides
    entirely gives zeros from the fused op (the unfused form gives NaN).

    and replaces `O` with one `attn.attention` (`scale = c` or `1/c`, or
    1 without a scale; the bias as `bias`), which attn-tile fuses. The
    same chain on rank-3 tensors `[N, S, D]` (PyTorch's
    `nn.MultiheadAttention` works on `[B*H, S, D]`) becomes an attention
    of one head per batch entry (`expand_shape` to `[N, 1, S, D]` and
    back). A constant scale applied to Q instead of the scores is folded
    into `scale` too, and K^T may be a chain of transposes (composed into
    one). K and V may have their kv heads repeated for grouped-query
    attention as exporters write it (`[B,Hkv,S,D]` expanded to
    `[B,Hkv,1,S,D]`, broadcast to `[B,Hkv,G,S,D]`, collapsed to
    `[B,Hkv*G,S,D]`, both K and V): the op then reads the `Hkv` heads
    themselves (GQA), never the copies. A bias that is the causal triangle, `-inf` where key `j > i` and
    0 elsewhere (a `linalg.generic` selecting a `-inf` fill where
    `j - i >= 1`, as ONNX `Trilu(upper, k = 1)` of a `-inf`
    `ConstantOfShape` imports, PyTorch's causal `attn_mask`; through
    unit-dim reshapes and multiplications by 1), becomes
    `{causal, align = #attn.align<top_left>}` instead, so the fused kernel
    skips the hidden key tiles. Every intermediate (the scores, the scaled and biased scores, P,
    the scaled Q, the transposes of K) must have no other use, the
    contractions must accumulate into zero fills, and the softmax must run
    over the key axis; anything else (a softmax over another axis, a scale
    that is not a constant, an intermediate used elsewhere) is left alone,
    unchanged.
  }];
  let dependentDialects = ["::mlir::attn::AttnDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def AttnTile : Pass<"attn-tile", "func::FuncOp"> {
  let summary = "Lower attn.attention to one fused, tiled loop nest";
  let description = [{
    Rewrites every `attn.attention` into a loop nest on buffers, in
    FlashAttention-2 order: for each (batch, head, query tile), for each live
    key/value tile: scores of the tile, online max and sum update, rescale
    of the accumulator and accumulation of `P * V`. Memory is O(tile): the
    `Sq x Skv` score matrix is never built.

    Named masks (`causal`, `window`, `key_lengths`) bound the key loop so
    that tiles without a visible key are never visited, and split each tile
    into a fully visible variant (no mask arithmetic) and a partial one.
    The inner tile is key-major where the score function and the
    normaliser allow it (dot, general, cosine, neg_l2 and compositional
    scores with any normaliser, without positional terms other than
    relative positions):
    the scores of a key tile are `S^T = K Q'^T` with query rows in the
    lanes, and both `Q K^T` and `P V` are contractions on register tiles
    (blocks of accumulator vectors sized by `vector-registers`), each load
    feeding several FMAs; the online softmax then reduces along the keys,
    lane by lane. The other parts (additive and multi_dimensional scores;
    Gaussian and grid windows) use the row-major
    tile: one query row at a time, vectorised along the keys.
    `vector-width` sets the lane count; `key-major=false` forces the
    row-major tile everywhere.

    Tile sizes of 0 are chosen per op by a cost model (attn-compile,
    attn-run and attn-bench pass 0 unless told otherwise, and the host's L2
    size). Key-major: 64 query rows (four row vectors, so each broadcast key
    feeds four FMAs of the 6 x 4 register tile) and `clamp(Dv, 64, 128)`
    keys (the per-tile costs, rescaling the `Tq x Dv` accumulator and the
    softmax passes, stay small beside the `Tq x Tk x (D + Dv)` FMAs).
    Row-major: 32 x 64. Then, while the working set of a work item (K and V
    rows of a key tile, the score tile, the query tile and the accumulator,
    in f32) exceeds half of `l2-cache-bytes`, the key tile and then the
    query tile are halved (not below `vector-width`). With `bf16-dot-products` (set by attn-compile
    on CPUs with AVX512-BF16), bf16 `dot` scores multiply pairs of bf16
    values in one instruction (`vdpbf16ps`): the query tile is kept in bf16
    pairs, unscaled (exact), keys are read in place as pairs, and the scale
    multiplies the f32 sums.

    Each (batch, head, query tile) work item owns scratch of static size
    (tiles times head dimensions, top_k, relative-position buckets). Up to
    `stack-scratch-bytes` of it lives on the stack of the thread that runs
    the item (1 MiB by default, well inside the 4 to 8 MiB stacks that
    OpenMP worker threads get); more is allocated on the heap once per work
    item. An op whose scratch passes `max-scratch-bytes` is rejected with
    the sizes named, as are `key-tile / vector-width` above 64 and
    `vector-width` above 64 (both are unrolled in the tile body).

    Inputs are wrapped with `bufferization.to_buffer` and the output with
    `bufferization.to_tensor`, so one-shot bufferization removes the
    boundary afterwards.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect", "::mlir::x86vector::X86VectorDialect"];
  let options = [
    Option<"queryTile", "query-tile", "int64_t", /*default=*/"32",
           "Query rows per tile (0: chosen by the tile cost model)">,
    Option<"keyTile", "key-tile", "int64_t", /*default=*/"64",
           "Keys per tile, a multiple of vector-width (0: chosen by the tile "
           "cost model)">,
    Option<"l2CacheBytes", "l2-cache-bytes", "int64_t", /*default=*/"1048576",
           "L2 cache of one core, for the tile cost model">,
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "f32 lanes of the inner vectors (16 for AVX-512), at most 64">,
    Option<"vectorRegisters", "vector-registers", "int64_t", /*default=*/"32",
           "Vectors of vector-width f32 lanes that the register file holds "
           "(32 for AVX-512 at 16 lanes, 8 for AVX2); sizes the register "
           "tiles">,
    Option<"keyMajor", "key-major", "bool", /*default=*/"true",
           "Use the key-major register-tile inner tile where the op allows it">,
    Option<"bf16DotProducts", "bf16-dot-products", "bool",
           /*default=*/"false",
           "Compute bf16 dot-product scores with AVX512-BF16 pair dot "
           "products (x86vector.avx512.dot, vdpbf16ps); only for CPUs that "
           "have them">,
    Option<"keySplits", "key-splits", "int64_t", /*default=*/"1",
           "Work items a key-major softmax nest aims for: with fewer (batch, "
           "head, query tile) items than this (decode), the key range of "
           "each is split into up to key-splits / items parts of at least "
           "two key tiles, run as separate work items, and merged by a "
           "log-sum-exp combine step (1: never split)">,
    Option<"stackScratchBytes", "stack-scratch-bytes", "int64_t",
           /*default=*/"1048576",
           "Scratch of one work item kept on the stack of its thread; more "
           "is allocated on the heap">,
    Option<"maxScratchBytes", "max-scratch-bytes", "int64_t",
           /*default=*/"67108864",
           "Scratch of one work item above which an op is rejected">,
  ];
}

def AttnDequantize : Pass<"attn-dequantize", "func::FuncOp"> {
  let summary = "Dequantise the FP8 inputs of attn.attention by their scales";
  let description = [{
    Rewrites every `attn.attention` whose query, key and value are
    `f8E4M3FN` into one on the dequantised tensors: each input becomes a
    `linalg.generic` that decodes its E4M3 bits (sign, 4-bit exponent of
    bias 7, 3-bit mantissa, subnormals, NaN = `S.1111.111`) exactly into
    `f32`, multiplies by its per-tensor scale from `scales` (`[sq, sk,
    sv]`, a 0-d slice each, so no scalar goes through the host) and rounds
    to the attention's compute element type (the output's: `f32`, `f16` or
    `bf16`). The attention then runs as written on those, with no `scales`
    operand. The decoding uses integer operations and a select for
    subnormals, so it does not depend on the target's handling of f32
    subnormals. `attn-tile` and `attn-to-gpu` take no FP8 inputs; both
    pipelines run this pass after `attn-decompose`.

    ```mlir
    %o = attn.attention %q, %k, %v scales(%s : tensor<3xf32>)
        : tensor<1x4x128x64xf8E4M3FN>, tensor<1x4x128x64xf8E4M3FN>,
          tensor<1x4x128x64xf8E4M3FN> -> tensor<1x4x128x64xbf16>
    ```

    becomes three `linalg.generic`s into `tensor<1x4x128x64xbf16>` and

    ```mlir
    %o = attn.attention %qd, %kd, %vd
        : tensor<1x4x128x64xbf16>, tensor<1x4x128x64xbf16>,
          tensor<1x4x128x64xbf16> -> tensor<1x4x128x64xbf16>
    ```

    The copies cost one pass over each input: small next to prefill's
    `Sq Skv` work, but decode reads its key-value cache three times (the
    FP8 bytes, then the dequantised copy written and read back).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"];
}

def AttnExposeWeights : Pass<"attn-expose-weights", "ModuleOp"> {
  let summary = "Return the weights of every attention (debug mode)";
  let description = [{
    The inspection mode behind `attn-run --dump-weights` and
    `attn.compile(..., weights=True)`: every `attn.attention` directly in
    the body of a public function also returns its weights
    `P[b, h, i, j]`, `[B, Hq, Sq, Skv]` in the query's element type, as a
    new function result named `attn.weights<N>:<what>`, where `N` counts
    the ops of the function in order and `<what>` lists its source line,
    score, normaliser, masks and positional terms
    (`attn.weights0:causal.mlir:31,softmax,causal`). The original results
    keep their places.

    The weights are computed by the op itself, over one-hot values: with
    `v[j, c] = (j == c)`, `o[i, c] = sum_j P[i, j] v[j, c] = P[i, c]` for
    every score, mask, positional term and normaliser (softmax, sigmoid,
    hard, top-k). The op needs a static value width, so the identity is
    taken `key-chunk` columns at a time in an `scf.for`, one more fused
    attention per chunk; a relative-position value table (`aV`) is
    replaced by zeros. This costs `ceil(Skv / key-chunk)` attentions and
    materialises `B Hq Sq Skv` weights: it is for inspection, not for
    production runs.

    Run it after `attn-decompose`, so that the structural ops (multi-head,
    co-attention, attention over attention, ...) are `attn.attention` ops
    by then; the pipelines do so with their `expose-weights` option and
    then record the ABI signature.

    An attention in the body of an `scf.for` directly in the function (the
    hops of `attn.memory_network`) has one set of weights per iteration:
    the loop yields them as `[iterations, B, Hq, Sq, Skv]`, those of
    iteration `t` at `[t]`. Its sizes must be known before the loop (values
    from outside it, loop-carried tensors, reshapes of either); otherwise,
    and for attentions nested deeper, the op gets a warning and no weights.

    A batch, query or key size that is a product of the function's sizes
    (the H*W positions of `non_local`, the N*H rows of `criss_cross`) could
    not be passed by a caller, which allocates the results: such a
    dimension is split into its factors, traced back through reshapes,
    products and destination-style ops, and the result's name ends in
    `,dims=1/1/2/2` (how many dimensions each of B, Hq, Sq, Skv, after the
    iterations in a loop, became). The runtime merges them back.
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
  let options = [
    Option<"keyChunk", "key-chunk", "int64_t", /*default=*/"64",
           "Keys whose weights one attention over one-hot values computes">,
  ];
}

def AttnApproximateMath : Pass<"attn-approximate-math"> {
  let summary = "Replace f32 transcendental math ops with polynomial code";
  let description = [{
    Rewrites `math.exp`, `math.exp2`, `math.log2`, `math.tanh` and friends on
    `f32` scalars and vectors into polynomial approximations built from
    arithmetic (upstream MLIR's approximations, accurate to a few ULP). The
    LLVM back end would otherwise scalarise vector transcendental calls into
    one libm call per lane, which dominates the cost of a softmax tile.

    `math.exp2`, the exponential of every softmax, has its own reduction
    rather than `exp(x ln 2)` (whose rounded product costs up to 35 ulp near
    -126): `n = floor(x)`, a degree-6 polynomial of `f = x - n` in [0, 1),
    and `2^n` in the exponent bits. Its error bound, measured against libm's
    double-precision `exp2` by test/Pipelines/exp2-error-bound.mlir: relative
    error below 1e-7 (under one ulp) wherever the result is a normal float
    (x in [-126, 128)); results below 2^-126 are flushed to 0; exp2(-inf) =
    0, exp2(x >= 128) = +inf and NaN stays NaN.

    With `avx512` (what attn-compile sets for AVX-512 targets), vectors of
    16 f32 lanes apply `2^n` with `vscalefps` after clamping x to
    [-160, 129]: six instructions fewer per exponential, the same bound on
    normal results, gradual underflow (subnormal results rounded rather than
    flushed) and the same special values.

    With `nvptx`, for GPU kernels: `math.exp2`, `math.exp`, `math.log2` and
    `math.tanh` on f32 (scalars, or vectors lane by lane) become the special
    function unit's `ex2.approx` and `lg2.approx` (NVVM intrinsics; tanh as
    `1 - 2 / (ex2(2 x log2 e) + 1)`) instead of polynomials or libdevice
    calls, and `math.sqrt` becomes `sqrt.rn` (correctly rounded), so
    that kernels link nothing.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
  let options = [
    Option<"nvptx", "nvptx", "bool", /*default=*/"false",
           "Use the NVPTX special function unit instead of polynomials">,
    Option<"avx512", "avx512", "bool", /*default=*/"false",
           "Scale exp2's polynomial by 2^n with AVX-512 vscalefps">,
  ];
}

def AttnAbiSignature : Pass<"attn-abi-signature", "ModuleOp"> {
  let summary = "Name the dynamic sizes of public functions for the C ABI";
  let description = [{
    For every public function, groups the dimensions of its tensor
    arguments and results into classes of sizes that must be equal (from
    `DimRelationOpInterface`, shape-preserving ops, `tensor.cast`,
    destination-style results, `tensor.empty` sized by `tensor.dim`, and
    values forwarded by branches and returns) and records the result in the
    module's `attn.abi` attribute: for each argument and result its name
    (`attn.name`, else `argN` / `resN`), element type, shape and, for each
    dynamic dimension, the index of its size symbol. Symbols are numbered by
    first occurrence, arguments first. A dynamic dimension tied to a static
    one becomes static.

    Errors: a result dimension that no argument determines (the caller
    allocates results); an argument or result that is not a ranked tensor
    of f32, f16, bf16, f64, i1, i8, i32 or i64; a function name that is not
    a C identifier; duplicate or malformed names.

    Also sets `llvm.emit_c_interface` on the recorded functions, whose
    `_mlir_ciface_` wrappers the entry points of `attn-emit-c-interface`
    call.
  }];
}

def AttnCheckAllocations : Pass<"attn-check-allocations", "ModuleOp"> {
  let summary = "Report a failed heap allocation through a status argument "
                "instead of writing through a null pointer";
  let description = [{
    Runs on buffers, after deallocation and before the lowering to the LLVM
    dialect. Every function with a body gets a trailing `memref<i32>`
    argument, the allocation status, and calls to such functions pass the
    caller's. Then three kinds of guards (`scf.if`) make a failed
    `malloc` skip work instead of writing through a null pointer:

    1. after each `memref.alloc`, the rest of its block runs only when the
       pointer is not null; otherwise the status becomes 1 (an atomic `or`:
       the work items of a parallel loop may fail at once);
    2. after each op that holds an allocation or calls a function, the rest
       of its block runs only while the status is 0 (its results, or the
       memory it was to write, may be missing);
    3. the body of such an `scf.for` with iteration arguments runs only
       while the status is 0 (an earlier iteration may have failed).

    Values that skipped ops would have yielded are zeros (poison for
    memrefs); nothing after a failure uses them. Work items of a parallel
    loop other than the failed one run to completion.

    Deallocations of buffers from before a guard stay after its `scf.if`,
    so those buffers are freed either way (`free(NULL)` of a failed one is
    a no-op). Buffers whose deallocation comes after a skipped op, or
    under a condition among the skipped ops, are not freed: a call that
    runs out of memory may leak the buffers it still owned.

    The `_mlir_ciface_` wrapper of a public function takes the status as
    one more descriptor pointer after its results; `attn-emit-c-interface`
    passes a zeroed status and returns 3 when it is set.

    Example: the work after `%a` runs only when it was allocated.

    ```mlir
    %a = memref.alloc(%n) : memref<?xf32>
    %p = memref.extract_aligned_pointer_as_index %a : memref<?xf32> -> index
    %ok = arith.cmpi ne, %p, %c0 : index
    scf.if %ok {
      ...
    } else {
      %r = memref.atomic_rmw ori %c1_i32, %status[] : (i32, memref<i32>) -> i32
    }
    memref.dealloc %a : memref<?xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::ub::UBDialect"
  ];
}

def AttnEmitCInterface : Pass<"attn-emit-c-interface", "ModuleOp"> {
  let summary = "Emit the C ABI entry points and manifest of public functions";
  let description = [{
    Runs on the LLVM dialect, after `attn-abi-signature` recorded the
    signatures in the module's `attn.abi` attribute and the functions were
    lowered with `llvm.emit_c_interface`. For each recorded function `@f`
    it adds:

    - `int32_t attn_f(T0 *arg0, ..., R0 *res0, ..., int64_t s0, ...)`: one
      pointer per tensor (row-major, dense) followed by one size per dynamic
      size symbol;
    - `int32_t attn_f_packed(void **pointers, const int64_t *sizes)`: the
      same with arrays, for generic callers;
    - `attn_f_manifest`: a NUL-terminated text describing the signature,
      read by the runtime library.

    Both entry points return 0 on success and 1 (without touching memory)
    when a size is negative or the byte size of a tensor overflows
    `int64_t`. When `@_mlir_ciface_f` takes one descriptor pointer more
    than it has tensors, that last one is the `memref<i32>` allocation
    status of `attn-check-allocations`: the packed entry passes a zeroed
    status and returns 3 when the call set it (a heap allocation failed;
    the results are then unspecified). The functions themselves and their `_mlir_ciface_` wrappers
    get internal linkage, so the `attn_` symbols are the only exported ones.
    Removes `attn.abi` from the module.

    With `cuda-chip` set (the attn-lower-to-cuda pipeline), the pointers are
    device pointers and both entry points take a trailing `void *stream`:
    the packed entry calls `attnCudaBeginCall(stream)` before the function
    (its kernel launches go to that stream) and returns
    `attnCudaEndCall()`, which is 2 when a CUDA call failed; the manifest
    gets the line `target cuda <chip>` after the function line. The CUDA
    runtime library (lib/Runtime) defines both functions.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
  let options = [
    Option<"cudaChip", "cuda-chip", "std::string", /*default=*/"\"\"",
           "Emit CUDA entry points for this chip (empty: CPU ones)">,
  ];
}

def AttnParallelize : Pass<"attn-parallelize", "func::FuncOp"> {
  let summary = "Distribute the linalg ops around the fused nests over "
                "scf.forall";
  let description = [{
    Tiles every `linalg` op on tensors (what `attn-decompose` and model
    graphs leave around the fused attention: projections, pooling, gates,
    rescales, norms) by 1 along each of its parallel loops except the
    innermost loop, into one `scf.forall` per op. The pipelines turn the
    `scf.forall` into `scf.parallel` after bufferization, and
    `attn-lower-to-cpu` hands it to OpenMP like the work items of the fused
    nests. The innermost loop stays whole so that each tile is a
    contiguous, vectorisable row, and reductions stay inside a tile in
    their sequential order: each output element is computed by one thread,
    in one order, so results do not depend on the thread count.

    Ops with fewer than `min-loops` loops are left alone: a fork of the
    thread team costs more than their work.

    f32 contractions that `attn-tile-contractions` maps onto register tiles
    (projections, feed-forward layers, 1x1 convolutions) are tiled
    differently: their row loop is tiled by `contraction-rows`, so that
    every tile holds a block of rows for the register tiles and reads each
    column panel of the right operand once per block rather than once per
    row, and their column loop (the last dimension of the output and of
    the right operand) by `contraction-columns` (a multiple of the register
    tiles' panels; whole when it is not longer), so that short sequences
    still give every thread work. A `linalg.fill` whose only uses are the
    outputs of such contractions is fused into their tiles.

    Before tiling, the m loops of such a contraction that run consecutively
    and in order just before its row loop, in the output and in the left
    operand, fold into the row loop (`linalg` iteration-dimension collapse:
    `tensor.collapse_shape` of the operands, and a reshape of the result).
    PyTorch's exporter writes projections on `[S, B, E]`, where the row loop
    is the batch (often 1) and would otherwise give one-row tiles that
    re-read the whole weight for every position; folded, the rows are
    `S * B`. A result that splits back into several dynamic sizes becomes
    `tensor.reshape` (LLVM 22's `expand-strided-metadata` cannot lower the
    `memref.expand_shape` form).
  }];
  let options = [
    Option<"minLoops", "min-loops", "int64_t", /*default=*/"2",
           "Loops an op must have to be distributed (its innermost loop "
           "is never split)">,
    Option<"contractionRows", "contraction-rows", "int64_t",
           /*default=*/"64",
           "Rows of an f32 contraction per tile (see attn-tile-contractions)">,
    Option<"contractionColumns", "contraction-columns", "int64_t",
           /*default=*/"384",
           "Columns of an f32 contraction per tile">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AttnUnfoldConvolutions
    : Pass<"attn-unfold-convolutions", "func::FuncOp"> {
  let summary = "Rewrite f32 2-D convolutions as an im2col copy and a "
                "contraction";
  let description = [{
    `linalg.conv_2d_nchw_fchw` (what the ONNX importer builds for `Conv`
    without groups) lowers to seven plain loops around one scalar
    multiply-add. This pass unfolds it (im2col): a `linalg.generic` copies
    every window of the input into columns,

    ```
    col[n, c, i, j, oh, ow] = input[n, c, oh * sh + i * dh, ow * sw + j * dw]
    ```

    and a second one is the contraction
    `out[n, m, oh*ow] += w[m, c*kh*kw] * col[n, c*kh*kw, oh*ow]` on collapsed
    views of the weights, the columns and the accumulator (which keeps the
    bias, if the convolution starts from one). `attn-parallelize` and
    `attn-tile-contractions` then run the contraction on register tiles.
    The depth runs over `c`, then the kernel rows, then its columns: the
    order in which the convolution's own loops sum, so the results are the
    same as before. The copy costs `kh * kw` times the input's size in
    memory, against `m` multiply-adds per copied element.

    ```mlir
    %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>,
                                   strides = dense<1> : tensor<2xi64>}
           ins(%x, %w : tensor<?x8x10x10xf32>, tensor<16x8x3x3xf32>)
           outs(%acc : tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    // becomes
    %col = linalg.generic ... ins(%x : tensor<?x8x10x10xf32>)
             outs(%e : tensor<?x8x3x3x8x8xf32>)
    %c = tensor.collapse_shape %col [[0], [1, 2, 3], [4, 5]]
    %f = tensor.collapse_shape %w [[0], [1, 2, 3]]
    %a = tensor.collapse_shape %acc [[0], [1], [2, 3]]
    %p = linalg.generic ... ins(%f, %c : tensor<16x72xf32>,
                                         tensor<?x72x64xf32>)
           outs(%a : tensor<?x16x64xf32>)
    %0 = tensor.expand_shape %p [[0], [1], [2, 3]] ...
    ```

    Other element types, grouped convolutions and convolutions on buffers
    are left as they are.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AttnTileContractions : Pass<"attn-tile-contractions", "func::FuncOp"> {
  let summary = "Lower f32 linalg contractions on buffers to register tiles";
  let description = [{
    Rewrites the linalg contractions that model graphs and decompositions
    put around the fused attention (projections, feed-forward layers, gates,
    1x1 convolutions: any `linalg` op on buffers computing
    `C += A * B` in f32, as `linalg.matmul`, `linalg.batch_matmul` or a
    `linalg.generic` with that body) into loops around the micro-kernel of
    the attention's inner tile: a register tile of rows x column vectors of
    accumulators, where each step of the depth loop loads one vector of B
    per column and broadcasts one scalar of A per row, so every load feeds
    several FMAs.

    The loops it maps (see ContractionLayout.h): the columns are the loop
    that is the last dimension of both C and B (it must have unit stride
    there), the rows are the last row loop of C, the depth is the innermost
    reduction loop of A. Every other loop (batch, further rows, columns or
    reductions) runs around the micro-kernel, in its own order, so each
    element of C sums its products in the same order as the plain loops.

    Blocking: rows in blocks of `row-block`; under each, one panel of
    column vectors at a time; under each panel, the depth in blocks of
    `depth-block`, each run against every register tile of the row block.
    The panel's depth block of B (`depth-block` x the panel's columns) is
    first packed into a contiguous buffer on the stack, so that the
    register tiles read it in order from the cache; the row block's A and
    its slice of C under the panel stay in cache across the depth blocks.
    A `linalg.fill` of the output right before the op (attn-parallelize
    fuses one into each row tile) is folded away: the first depth block
    starts its accumulators at the fill's value. The register tile is the
    shape the attention kernel uses (`vector-registers`); partial column
    vectors are masked loads and stores.

    Other linalg ops, and contractions whose columns are not contiguous,
    are left to `convert-linalg-to-loops`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "f32 lanes of a column vector (16 for AVX-512, 8 for AVX2)">,
    Option<"vectorRegisters", "vector-registers", "int64_t", /*default=*/"32",
           "Vectors of vector-width lanes that the register file holds; "
           "sizes the register tiles">,
    Option<"rowBlock", "row-block", "int64_t", /*default=*/"64",
           "Rows of A whose depth block is kept hot in the cache">,
    Option<"depthBlock", "depth-block", "int64_t", /*default=*/"256",
           "Depth of one pass of the register tiles over a column panel">,
  ];
}

def AttnStridedCopiesToLoops
    : Pass<"attn-strided-copies-to-loops", "func::FuncOp"> {
  let summary = "Lower memref.copy between non-contiguous buffers to loops";
  let description = [{
    Bufferization copies between slices of buffers (a concatenation, a
    key-value cache written behind the past keys, a copy that resolves a
    read-after-write conflict) as `memref.copy`. Between contiguous
    row-major buffers the LLVM lowering makes that a `memcpy`; between
    strided ones it calls `memrefCopy` of MLIR's C runner utilities, which
    compiled modules do not link. This pass rewrites exactly those copies
    into `linalg.copy`, which `convert-linalg-to-loops` then turns into
    loops, so compiled libraries depend on nothing but libc and libm.
    Copies between contiguous identity-layout buffers are left alone.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def AttnToGpu : Pass<"attn-to-gpu", "ModuleOp"> {
  let summary = "Lower attn.attention to a FlashAttention-2 kernel for NVIDIA "
                "tensor cores";
  let description = [{
    Rewrites every `attn.attention` of the module's functions into a
    `gpu.launch_func` of a kernel in the `gpu.module @attn_kernels`, which
    the pass creates. The kernel follows FlashAttention-2: one CTA per
    (query tile of `query-tile` rows, head, batch), one warp per 16 query
    rows. Q and each key/value tile are copied to shared memory with
    `cp.async` (K/V double-buffered: the copy of tile t + 1 overlaps the
    math on tile t; rows past the end are zero-filled), in rows of 16-byte
    chunks XOR-swizzled against bank conflicts. For f16 and bf16 inputs,
    `Q K^T` and `P V` run on tensor cores as `mma.sync.m16n8k16` (f32
    accumulators), with operands loaded by `ldmatrix` (`.trans` for V). The
    online softmax works on the accumulator fragments: each thread holds
    two rows, row max and sum reduce over the four threads of a quad with
    `shfl.xor`, and `exp2` runs with `log2(e)` folded into the scale. `P`
    stays in registers as the A operand of `P V`.

    f32 inputs keep the same kernel, fragments and variant math; only the
    contraction differs. By default it is exact: each thread computes its
    fragment elements with f32 FMAs (`fma.rn.f32`) from 16-byte shared
    memory loads, and gathers its rows' weights for `P V` within its quad
    with `shfl.xor`; the results meet the f32 tolerances of the variant
    specification (`1e-4 + 1e-3 |ref|`). With `allow-tf32`, `Q K^T` and
    `P V` run on tensor cores as `mma.sync.m16n8k8.tf32` instead: Q, K, V
    and the weights are rounded to TF32 (`cvt.rna`, a 10-bit mantissa, as
    f16) and accumulated in f32, so the results are as accurate as f16
    inputs (tested against `2e-2 + 2e-2 |ref|`, the f16 tolerance). f32
    tiles take twice the shared memory of f16 ones; the
    key tile halves until they fit.

    The variant math is the CPU lowering's (ScoreChanges.cpp): bias, ALiBi,
    softcap, score_mod, causal, window, key padding, the boolean mask and
    mask_mod are applied to each pair of accumulator elements with their
    global (batch, head, row, key) indices. The named masks bound the key
    loop of each CTA, and the key tiles they show fully skip the mask
    arithmetic (KeyRange.cpp), as on CPU. So are the positional terms
    (Positions.cpp): `relative_clip` adds q . aK_r from a per-CTA table of
    q . aK_t in shared memory and sum_t w_t aV_t in the epilogue, and
    `gaussian_window` masks each row to its window, bounds the key loop by
    the CTA's windows and weighs V by the Gaussian factor.

    Supported here: every score (`dot`, `cosine`, `neg_l2`, `general`,
    `compositional`, `additive` with its q Wq and k Wk tables in shared
    memory, and `multi_dimensional`, a softmax per value feature on the
    accumulator layout) and every normaliser (the elementwise `sigmoid` and
    `none` skip the max and the sum, and their bf16 weights go to the
    tensor cores as hi + lo; `hard`, `topk` (k up to 16) and `hard_sample`
    choose keys per fragment row, merge them in the quad and read the
    chosen value rows after the key loop), f16, bf16 or f32 Q/K/V, head
    dims up to 256 (padded to multiples of 16 in shared memory; odd f16
    and bf16 rows are copied element by element), with every score change and mask above,
    `relative_clip` (with `dot` scores), `gaussian_window` and
    `grid_window` (with `softmax`), GQA, a paged cache and
    the log-sum-exp result. Anything else is rejected
    with a diagnostic naming what is missing. `attn-emulate-gpu` runs the
    same kernels on CPU threads, so their numerics are tested without a
    GPU.

    With `warpgroup-mma` (sm_90a, which `attn-lower-to-cuda` sets for that
    chip), f16 and bf16 kernels whose query tile is a multiple of 64 rows
    compute `Q K^T` and `P V` as `wgmma.mma_async.m64nNk16` instead: the four
    warps of each warpgroup issue one MMA over their 64 rows and the whole
    key tile (N = key-tile) or value width (N = Dv), with Q and P as A
    operands in the same registers as for `mma.sync` (whose accumulator
    layout the warpgroup's matches, so the variant math is unchanged) and K
    and V read by the tensor cores from shared memory through matrix
    descriptors. Their tiles are laid out in the canonical 128-byte-swizzled
    atoms (8 rows x 128 bytes; each 64-column block of a tile is one run of
    atoms), so head dims are padded to multiples of 64, and each K/V tile
    copied by `cp.async` is fenced to the async proxy (`fence.proxy.async`)
    before the MMAs read it. `multi_dimensional`, which computes no
    contraction, keeps the `mma.sync` layout.

    With `tensor-copies` as well (sm_90a), the K and V tiles of those
    kernels are copied by the Tensor Memory Accelerator: one thread issues
    a `cp.async.bulk.tensor.4d` per 64-column block of each tile, which
    writes it in that swizzled layout with zeros past the sequence and the
    head dim, and the tile's transaction bytes complete on one of two
    mbarriers (one per buffer), on which every thread waits by phase
    parity. The tensor maps (CUtensorMap) are made on the host before the
    launch by `attnCudaTensorMap` of the CUDA runtime (docs/abi.md) and
    passed as global pointers. Kernels that copy their K/V tiles in other
    ways keep `cp.async`: paged caches (a row per page lookup), the
    normalisers that choose keys (hard, topk, hard_sample: two passes over
    the keys) and head dims whose rows are not a multiple of 16 bytes (TMA's
    stride rule).

    With `warp-specialize` as well (sm_90a), those TMA kernels get one
    more warpgroup, the producer, after the compute warps (the
    FlashAttention-3 structure). Its first thread walks the key range ahead
    of them and issues each tile's copies into the next buffer of a ring of
    up to four (as many as fit in `shared-memory-bytes`, before the key
    tile shrinks), once the buffer's "empty" mbarrier shows that every
    compute thread has arrived on it after reading its previous tile; the
    compute warps wait on the buffer's "full" mbarrier and no longer meet
    at a CTA barrier per tile (their other barriers become a named barrier
    of their own threads). Where the launch's thread count would cap the
    compute warps below 240 registers (two compute warpgroups and more),
    `setmaxnreg` moves registers from the producer (down to 24) to them.
    With two compute warpgroups they also take turns at issuing `Q K^T`
    (ping-pong, on a named barrier per warpgroup), so that one's softmax
    runs while the other's MMAs do. With one, the warpgroup overlaps its
    own softmax with the MMAs: each key tile's loop issues that tile's
    `Q K^T` and the previous tile's `P V`, waits for the scores alone
    (`wgmma.wait_group 1`) and for `P V` only after the softmax, then
    rescales O and hands the previous tile's buffer back (not for
    additive, whose projected key rows every tile rewrites).

    GQA packs the query heads of each K/V head into one CTA's rows (packed
    row p: head kh G + p % G, row p / G), so that each K/V tile is read
    once for the group, when the variant math does not depend on the query
    head (no ALiBi, score_mod, mask_mod, positional terms, or bias or mask
    with a head dim; softmax, sigmoid or none) and `query-tile` is a
    multiple of G.

    Decode and short queries give fewer CTAs than a GPU has SMs: while the
    CTAs number fewer than `key-split-ctas` (computed at run time from the
    sizes), the key range of each query tile is split into parts of at
    least two key tiles, each a CTA of its own that leaves its online
    softmax state (max, sum, unnormalised accumulator) in a device buffer,
    and a second kernel merges the parts of every row by log-sum-exp into
    the output and the lse (softmax only, without `relative_clip`; paged
    caches included).

    Inputs are wrapped with `bufferization.to_buffer` and the outputs with
    `bufferization.to_tensor`, as by attn-tile; after bufferization the
    launch's buffers are the function's (device) arguments or buffers that
    `attn-linalg-to-gpu` allocates on the device.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"];
  let options = [
    Option<"queryTile", "query-tile", "int64_t", /*default=*/"64",
           "Query rows per CTA, a multiple of 16 (one warp per 16 rows)">,
    Option<"keyTile", "key-tile", "int64_t", /*default=*/"64",
           "Keys per shared-memory tile, a multiple of 16">,
    Option<"sharedMemoryBytes", "shared-memory-bytes", "int64_t",
           /*default=*/"101376",
           "Dynamic shared memory one CTA may use (the chip's limit: 99 KiB "
           "on sm_86/sm_89, 163 KiB on sm_80, 227 KiB on sm_90)">,
    Option<"allowTf32", "allow-tf32", "bool", /*default=*/"false",
           "Compute f32 Q K^T and P V on TF32 tensor cores (10-bit mantissa: "
           "f16 accuracy) instead of exact f32 FMAs">,
    Option<"keySplitCtas", "key-split-ctas", "int64_t", /*default=*/"256",
           "While the CTAs (query tiles x heads x batch, known at run time) "
           "are fewer than this, split each key range into parts of at "
           "least two key tiles, each a CTA, merged by a combine kernel "
           "(softmax only; 0 or 1: never split)">,
    Option<"warpgroupMma", "warpgroup-mma", "bool", /*default=*/"false",
           "f16/bf16 Q K^T and P V as sm_90a warpgroup MMA (wgmma.mma_async, "
           "B operands from shared memory) when query-tile is a multiple of "
           "64; mma.sync otherwise">,
    Option<"tensorCopies", "tensor-copies", "bool", /*default=*/"false",
           "With warpgroup-mma: copy the K/V tiles with TMA "
           "(cp.async.bulk.tensor into mbarrier-guarded buffers) "
           "where the kernel allows it; cp.async otherwise">,
    Option<"warpSpecialize", "warp-specialize", "bool", /*default=*/"false",
           "With tensor-copies: a producer warpgroup issues the TMA copies "
           "into a ring of up to 4 K/V buffers guarded by full and empty "
           "mbarriers, with setmaxnreg moving registers to the compute "
           "warps, two compute warpgroups taking turns at Q K^T, and one "
           "overlapping each tile's softmax with the MMAs of P V">,
  ];
}

def AttnLinalgToGpu : Pass<"attn-linalg-to-gpu", "ModuleOp"> {
  let summary = "Run the linalg ops around the attention kernels on the GPU";
  let description = [{
    After `attn-to-gpu` and bufferization, the host functions hold device
    pointers: the caller's buffers. This pass moves everything that touches
    memory to the device, so that whole graphs (the projections, norms,
    poolings and gates of the structural and vision rows, and a model's
    layers) run on the GPU beside the attention kernels:

    - each structured linalg op on buffers, and each `memref.copy`, becomes
      a kernel with one thread per point of its parallel loops (256 threads
      per CTA, the last parallel dim fastest). The thread runs the reduction
      loops, keeping the outputs in registers when their indexing maps do
      not involve a reduction dim. These kernels are simple and correct,
      not fast: the attention is where the tensor cores go;
    - `memref.alloc` and `memref.dealloc` become `gpu.alloc` and
      `gpu.dealloc`; `memref.get_global` (a constant) becomes a device copy
      of the global, freed at the end of its block;
    - a scalar the host reads from a device buffer (`memref.load`, from a
      `tensor.extract` of a learned scale) is copied to a host alloca by a
      one-thread kernel and a `gpu.memcpy`.

    The kernels are outlined into `gpu.module @attn_kernels`, beside those
    of `attn-to-gpu`. `gpu.alloc`, `gpu.dealloc` and `gpu.memcpy` are
    emitted in their asynchronous form, each on a stream of its own
    (`gpu.wait async`) followed by a `gpu.wait`, which is what
    `gpu-to-llvm` lowers; the canonicalizer must not run in between, since
    it folds those waits away. A store from the host into device memory, or
    a linalg op that is not structured, is an error naming it.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"];
}

def AttnEmulateGpu : Pass<"attn-emulate-gpu", "ModuleOp"> {
  let summary = "Run the NVVM kernels of attn-to-gpu on CPU threads";
  let description = [{
    The CPU stage of the GPU lowering, for checking the kernels' numerics on
    a machine without a GPU. It runs where attn-lower-to-cuda would
    serialise the kernels: host code and kernels are in the LLVM dialect,
    the kernels still use NVVM ops. Each kernel moves out of its
    `gpu.module` and its NVVM ops become calls into the emulator library
    (lib/GpuEmulator): special registers, `barrier0`, `shfl.sync` (bfly),
    `ldmatrix`, `mma.sync` (m16n8k16 f16/bf16 and m16n8k8 tf32, to f32),
    `cvt.rna.tf32.f32` and `cp.async` (synchronous, so its commit and wait
    disappear); `ex2.approx` and
    `lg2.approx` become `llvm.exp2` and `llvm.log2`. Each `gpu.launch_func`
    becomes a call of `attnEmuLaunch`, which runs the CTAs in turn with one
    CPU thread per GPU thread, so that barriers and warp collectives see
    every lane. An NVVM op without an emulation is an error naming it.

    `attn-compile --target=gpu-emulator` (and attn-run) build modules this
    way: the kernel IR that becomes PTX runs against the float64 reference
    on any machine. The matrix instructions follow the PTX ISA's fragment
    layouts; that the GPU agrees is what a run on a GPU checks.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // ATTN_PASSES_TD
