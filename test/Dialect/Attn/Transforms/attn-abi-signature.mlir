// RUN: attn-opt %s --split-input-file --verify-diagnostics --attn-abi-signature | FileCheck %s

// Size symbols of public functions, recorded as the module's `attn.abi`.

// Batch is shared by q, k, v and the output; the query length (s1) and the
// key/value length (s2) are independent. `attn.name` names the tensors.
// Public functions get llvm.emit_c_interface: the entry points call the
// wrapper that func-to-llvm generates.
// CHECK-LABEL: module attributes {attn.abi = {attention = {
// CHECK-SAME: args = [{name = "q", symbols = array<i64: 0, -1, 1, -1>, type = tensor<?x8x?x64xf32>},
// CHECK-SAME: {name = "k", symbols = array<i64: 0, -1, 2, -1>, type = tensor<?x8x?x64xf32>},
// CHECK-SAME: {name = "v", symbols = array<i64: 0, -1, 2, -1>, type = tensor<?x8x?x32xf32>}],
// CHECK-SAME: results = [{name = "out", symbols = array<i64: 0, -1, 1, -1>, type = tensor<?x8x?x32xf32>}],
// CHECK-SAME: sizes = ["arg0.d0", "arg0.d2", "arg1.d2"]}}}
func.func @attention(%q: tensor<?x8x?x64xf32> {attn.name = "q"},
                     %k: tensor<?x8x?x64xf32> {attn.name = "k"},
                     %v: tensor<?x8x?x32xf32> {attn.name = "v"})
    -> (tensor<?x8x?x32xf32> {attn.name = "out"}) {
  %o = attn.attention %q, %k, %v
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x32xf32>
      -> tensor<?x8x?x32xf32>
  return %o : tensor<?x8x?x32xf32>
}

// -----

// Mask and key lengths join the batch and lengths; default names are argN
// and resN; the lse result is a second output.
// CHECK-LABEL: module attributes {attn.abi = {masked = {
// CHECK-SAME: args = [{name = "arg0", symbols = array<i64: 0, -1, 1, -1>, type = tensor<?x2x?x16xf16>},
// CHECK-SAME: {name = "arg1", symbols = array<i64: 0, -1, 2, -1>, type = tensor<?x2x?x16xf16>},
// CHECK-SAME: {name = "arg2", symbols = array<i64: 0, -1, 2, -1>, type = tensor<?x2x?x16xf16>},
// CHECK-SAME: {name = "arg3", symbols = array<i64: 0, -1, 1, 2>, type = tensor<?x1x?x?xi1>},
// CHECK-SAME: {name = "arg4", symbols = array<i64: 0>, type = tensor<?xi32>}],
// CHECK-SAME: results = [{name = "res0", symbols = array<i64: 0, -1, 1, -1>, type = tensor<?x2x?x16xf16>},
// CHECK-SAME: {name = "res1", symbols = array<i64: 0, -1, 1>, type = tensor<?x2x?xf32>}],
// CHECK-SAME: sizes = ["arg0.d0", "arg0.d2", "arg1.d2"]}}}
func.func @masked(%q: tensor<?x2x?x16xf16>, %k: tensor<?x2x?x16xf16>,
                  %v: tensor<?x2x?x16xf16>, %m: tensor<?x1x?x?xi1>,
                  %len: tensor<?xi32>)
    -> (tensor<?x2x?x16xf16>, tensor<?x2x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v mask(%m : tensor<?x1x?x?xi1>)
      key_lengths(%len : tensor<?xi32>)
      : tensor<?x2x?x16xf16>, tensor<?x2x?x16xf16>, tensor<?x2x?x16xf16>
      -> tensor<?x2x?x16xf16>, tensor<?x2x?xf32>
  return %o, %lse : tensor<?x2x?x16xf16>, tensor<?x2x?xf32>
}

// -----

// A dynamic dimension tied to a static one is static in the ABI; private
// functions and declarations get no entry and no llvm.emit_c_interface.
// CHECK-LABEL: module attributes {attn.abi = {resolved = {
// CHECK-SAME: args = [{name = "arg0", symbols = array<i64: -1, -1, 0, -1>, type = tensor<2x4x?x8xf32>},
// CHECK-SAME: {name = "arg1", symbols = array<i64: -1, -1, -1, -1>, type = tensor<2x4x5x8xf32>},
// CHECK-SAME: {name = "arg2", symbols = array<i64: -1, -1, -1, -1>, type = tensor<2x4x5x8xf32>}],
// CHECK-SAME: results = [{name = "res0", symbols = array<i64: -1, -1, 0, -1>, type = tensor<2x4x?x8xf32>}],
// CHECK-SAME: sizes = ["arg0.d2"]}}}
// CHECK: func.func @resolved({{.*}}) -> tensor<?x4x?x8xf32> attributes {llvm.emit_c_interface} {
// CHECK: func.func private @helper({{.*}}) -> tensor<?xf32> {
// CHECK: func.func private @external(f32){{$}}
func.func @resolved(%q: tensor<?x4x?x8xf32>, %k: tensor<2x4x5x8xf32>,
                    %v: tensor<?x4x?x8xf32>) -> tensor<?x4x?x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x8xf32>, tensor<2x4x5x8xf32>, tensor<?x4x?x8xf32>
      -> tensor<?x4x?x8xf32>
  return %o : tensor<?x4x?x8xf32>
}
func.func private @helper(%a: tensor<?xf32>) -> tensor<?xf32> {
  return %a : tensor<?xf32>
}
func.func private @external(f32)

// -----

// Static-only and tensor-free functions have no size symbols.
// CHECK-LABEL: module attributes {attn.abi = {
// CHECK-SAME: nothing = {args = [], results = [], sizes = []},
// CHECK-SAME: static_only = {args = [{name = "arg0", symbols = array<i64: -1, -1>, type = tensor<3x4xbf16>},
// CHECK-SAME: {name = "arg1", symbols = array<i64>, type = tensor<i64>}],
// CHECK-SAME: results = [{name = "res0", symbols = array<i64: -1, -1>, type = tensor<3x4xbf16>}], sizes = []}}}
func.func @static_only(%a: tensor<3x4xbf16>, %b: tensor<i64>)
    -> tensor<3x4xbf16> {
  return %a : tensor<3x4xbf16>
}
func.func @nothing() {
  return
}

// -----

// FP8 E4M3 ("FN": no infinities) is an ABI type, spelled f8e4m3fn in the
// manifest.
// CHECK-LABEL: module attributes {attn.abi = {fp8 = {
// CHECK-SAME: args = [{name = "arg0", symbols = array<i64: 0, -1>, type = tensor<?x16xf8E4M3FN>}],
// CHECK-SAME: results = [{name = "res0", symbols = array<i64: 0, -1>, type = tensor<?x16xf8E4M3FN>}],
// CHECK-SAME: sizes = ["arg0.d0"]}}}
func.func @fp8(%a: tensor<?x16xf8E4M3FN>) -> tensor<?x16xf8E4M3FN> {
  return %a : tensor<?x16xf8E4M3FN>
}

// -----

// Shape-preserving ops (arith.addf), tensor.cast and tensor.empty sized by
// tensor.dim relate dimensions too.
// CHECK-LABEL: module attributes {attn.abi = {elementwise = {
// CHECK-SAME: args = [{name = "arg0", symbols = array<i64: -1, 0>, type = tensor<4x?xf32>},
// CHECK-SAME: {name = "arg1", symbols = array<i64: -1, 0>, type = tensor<4x?xf32>},
// CHECK-SAME: {name = "arg2", symbols = array<i64: 1>, type = tensor<?xi8>}],
// CHECK-SAME: results = [{name = "res0", symbols = array<i64: -1, 0>, type = tensor<4x?xf32>},
// CHECK-SAME: {name = "res1", symbols = array<i64: 1, 0>, type = tensor<?x?xf64>}],
// CHECK-SAME: sizes = ["arg0.d1", "arg2.d0"]}}}
func.func @elementwise(%a: tensor<?x?xf32>, %b: tensor<4x?xf32>,
                       %c: tensor<?xi8>)
    -> (tensor<?x?xf32>, tensor<?x?xf64>) {
  %bc = tensor.cast %b : tensor<4x?xf32> to tensor<?x?xf32>
  %s = arith.addf %a, %bc : tensor<?x?xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d0 = tensor.dim %c, %c0 : tensor<?xi8>
  %d1 = tensor.dim %s, %c1 : tensor<?x?xf32>
  %e = tensor.empty(%d0, %d1) : tensor<?x?xf64>
  return %s, %e : tensor<?x?xf32>, tensor<?x?xf64>
}

// -----

// Values forwarded by branches and region terminators share their sizes.
// CHECK-LABEL: module attributes {attn.abi = {
// CHECK-SAME: branches = {args = [{name = "arg0", symbols = array<i64: 0, -1>, type = tensor<?x4xf32>},
// CHECK-SAME: {name = "arg1", symbols = array<i64: 0, -1>, type = tensor<?x4xf32>},
// CHECK-SAME: {name = "arg2", symbols = array<i64>, type = tensor<i1>}],
// CHECK-SAME: results = [{name = "res0", symbols = array<i64: 0, -1>, type = tensor<?x4xf32>}], sizes = ["arg0.d0"]},
// CHECK-SAME: regions = {args = [{name = "arg0", symbols = array<i64: 0>, type = tensor<?xi64>},
// CHECK-SAME: {name = "arg1", symbols = array<i64: 0>, type = tensor<?xi64>},
// CHECK-SAME: {name = "arg2", symbols = array<i64>, type = tensor<i1>}],
// CHECK-SAME: results = [{name = "res0", symbols = array<i64: 0>, type = tensor<?xi64>}], sizes = ["arg0.d0"]}}}
func.func @branches(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>, %t: tensor<i1>)
    -> tensor<?x4xf32> {
  %c = tensor.extract %t[] : tensor<i1>
  cf.cond_br %c, ^bb1(%a : tensor<?x4xf32>), ^bb1(%b : tensor<?x4xf32>)
^bb1(%x: tensor<?x4xf32>):
  return %x : tensor<?x4xf32>
}
func.func @regions(%a: tensor<?xi64>, %b: tensor<?xi64>, %t: tensor<i1>)
    -> tensor<?xi64> {
  %c = tensor.extract %t[] : tensor<i1>
  %r = scf.if %c -> tensor<?xi64> {
    scf.yield %a : tensor<?xi64>
  } else {
    scf.yield %b : tensor<?xi64>
  }
  return %r : tensor<?xi64>
}

// -----

// expected-error @below {{cannot derive dynamic dimension 0 of result #1 from the arguments: the caller allocates results}}
func.func @underived(%a: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d = tensor.dim %a, %c0 : tensor<?xf32>
  %n = arith.addi %d, %c1 : index
  %e = tensor.empty(%n) : tensor<?xf32>
  return %a, %e : tensor<?xf32>, tensor<?xf32>
}

// -----

// expected-error @below {{argument #1 has unsupported type 'f32': the C ABI takes ranked tensors of f32, f16, bf16, f8e4m3fn, f64, i1, i8, i32 or i64}}
func.func @scalar(%a: tensor<4xf32>, %s: f32) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}

// -----

// expected-error @below {{result #0 has unsupported type 'tensor<4xi16>'}}
func.func @element_type(%a: tensor<4xf32>) -> tensor<4xi16> {
  %r = arith.fptosi %a : tensor<4xf32> to tensor<4xi16>
  return %r : tensor<4xi16>
}

// -----

// Of the FP8 formats only E4M3FN is an ABI type.
// expected-error @below {{argument #0 has unsupported type 'tensor<4xf8E5M2>'}}
func.func @fp8_e5m2(%a: tensor<4xf8E5M2>) -> tensor<4xf8E5M2> {
  return %a : tensor<4xf8E5M2>
}

// -----

// expected-error @below {{argument #0 has unsupported type 'tensor<*xf32>'}}
func.func @unranked(%a: tensor<*xf32>) {
  return
}

// -----

// expected-error @below {{argument #1 and argument #0 share the name 'x'}}
func.func @same_name(%a: tensor<4xf32> {attn.name = "x"},
                     %b: tensor<4xf32> {attn.name = "x"}) {
  return
}

// -----

// expected-error @below {{argument #0 has an invalid attn.name 'two words'}}
func.func @spaced_name(%a: tensor<4xf32> {attn.name = "two words"}) {
  return
}

// -----

// expected-error @below {{function name 'my.fn' is not a C identifier}}
func.func @"my.fn"() {
  return
}

// -----

// A linalg op's loops tie the operand dimensions they index: the bias of a
// broadcast add has the size of x's last dimension, so both share one
// symbol (an importer's graph states its equal sizes this way).
// CHECK-LABEL: module attributes {attn.abi = {broadcast_add = {
// CHECK-SAME: args = [{name = "x", symbols = array<i64: 0, 1>, type = tensor<?x?xf32>},
// CHECK-SAME: {name = "bias", symbols = array<i64: 1>, type = tensor<?xf32>}],
// CHECK-SAME: results = [{name = "y", symbols = array<i64: 0, 1>, type = tensor<?x?xf32>}],
// CHECK-SAME: sizes = ["arg0.d0", "arg0.d1"]}}}
func.func @broadcast_add(%x: tensor<?x?xf32> {attn.name = "x"},
                         %bias: tensor<?xf32> {attn.name = "bias"})
    -> (tensor<?x?xf32> {attn.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c0 : tensor<?x?xf32>
  %m = tensor.dim %x, %c1 : tensor<?x?xf32>
  %init = tensor.empty(%n, %m) : tensor<?x?xf32>
  %y = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>,
                       affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x, %bias : tensor<?x?xf32>, tensor<?xf32>)
      outs(%init : tensor<?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// Reshapes: a group with one dynamic dimension on each side (and unit or
// equal static factors) keeps its size, so the collapsed result is sized
// by the argument; a slice sized by tensor.dim has that size (the sliced
// tensor itself keeps its own size).
// CHECK-LABEL: module attributes {attn.abi = {reshapes = {
// CHECK-SAME: args = [{name = "arg0", symbols = array<i64: 0, 1, -1, -1>, type = tensor<?x?x4x8xf32>},
// CHECK-SAME: {name = "arg1", symbols = array<i64: 2, -1>, type = tensor<?x32xf32>}],
// CHECK-SAME: results = [{name = "res0", symbols = array<i64: 0, 1, -1>, type = tensor<?x?x32xf32>},
// CHECK-SAME: {name = "res1", symbols = array<i64: 0, -1>, type = tensor<?x32xf32>}],
func.func @reshapes(%x: tensor<?x?x4x8xf32>, %w: tensor<?x32xf32>)
    -> (tensor<?x?x32xf32>, tensor<?x32xf32>) {
  %c0 = arith.constant 0 : index
  %merged = tensor.collapse_shape %x [[0], [1], [2, 3]]
      : tensor<?x?x4x8xf32> into tensor<?x?x32xf32>
  %b = tensor.dim %x, %c0 : tensor<?x?x4x8xf32>
  %rows = tensor.extract_slice %w[0, 0] [%b, 32] [1, 1]
      : tensor<?x32xf32> to tensor<?x32xf32>
  return %merged, %rows : tensor<?x?x32xf32>, tensor<?x32xf32>
}

// -----

// Sizes given as tensor.dim: the output sizes of an expand_shape, and the
// shape list of a tensor.reshape (index_cast to i64, as the ONNX importer
// writes a reshape that splits a dimension into several dynamic ones).
// CHECK-LABEL: module attributes {attn.abi = {sized_by_dims = {
// CHECK-SAME: args = [{name = "arg0", symbols = array<i64: 0, 1, -1>, type = tensor<?x?x32xf32>},
// CHECK-SAME: {name = "arg1", symbols = array<i64: 2, -1>, type = tensor<?x32xf32>}],
// CHECK-SAME: results = [{name = "res0", symbols = array<i64: 0, 1, -1>, type = tensor<?x?x32xf32>},
// CHECK-SAME: {name = "res1", symbols = array<i64: 0, 1, -1>, type = tensor<?x?x32xf32>}],
func.func @sized_by_dims(%x: tensor<?x?x32xf32>, %flat: tensor<?x32xf32>)
    -> (tensor<?x?x32xf32>, tensor<?x?x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s = tensor.dim %x, %c0 : tensor<?x?x32xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x32xf32>
  %e = tensor.expand_shape %flat [[0, 1], [2]] output_shape [%s, %b, 32]
      : tensor<?x32xf32> into tensor<?x?x32xf32>
  %si = arith.index_cast %s : index to i64
  %bi = arith.index_cast %b : index to i64
  %c32 = arith.constant 32 : i64
  %shape = tensor.from_elements %si, %bi, %c32 : tensor<3xi64>
  %r = tensor.reshape %flat(%shape)
      : (tensor<?x32xf32>, tensor<3xi64>) -> tensor<?x?x32xf32>
  return %e, %r : tensor<?x?x32xf32>, tensor<?x?x32xf32>
}

// -----

// A paged cache: the page count of the pools (s2) and the pages per
// sequence (s3) are sizes of their own; the block table joins the batch;
// the static page size leaves no size.
// CHECK-LABEL: module attributes {attn.abi = {paged = {
// CHECK-SAME: args = [{name = "q", symbols = array<i64: 0, -1, 1, -1>, type = tensor<?x8x?x64xf32>},
// CHECK-SAME: {name = "k_pages", symbols = array<i64: 2, -1, -1, -1>, type = tensor<?x2x16x64xf32>},
// CHECK-SAME: {name = "v_pages", symbols = array<i64: 2, -1, -1, -1>, type = tensor<?x2x16x64xf32>},
// CHECK-SAME: {name = "len", symbols = array<i64: 0>, type = tensor<?xi32>},
// CHECK-SAME: {name = "table", symbols = array<i64: 0, 3>, type = tensor<?x?xi32>}],
// CHECK-SAME: results = [{name = "res0", symbols = array<i64: 0, -1, 1, -1>, type = tensor<?x8x?x64xf32>}],
// CHECK-SAME: sizes = ["arg0.d0", "arg0.d2", "arg1.d0", "arg4.d1"]}}}
func.func @paged(%q: tensor<?x8x?x64xf32> {attn.name = "q"},
                 %kp: tensor<?x2x16x64xf32> {attn.name = "k_pages"},
                 %vp: tensor<?x2x16x64xf32> {attn.name = "v_pages"},
                 %len: tensor<?xi32> {attn.name = "len"},
                 %bt: tensor<?x?xi32> {attn.name = "table"})
    -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %kp, %vp key_lengths(%len : tensor<?xi32>)
      block_table(%bt : tensor<?x?xi32>)
      : tensor<?x8x?x64xf32>, tensor<?x2x16x64xf32>, tensor<?x2x16x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}
