#!/usr/bin/env node
// Times one attention model (from make_models.py) on ONNX Runtime's CPU EP.
//
//   node ort_bench.js --model FILE --op mha|attention --B 1 --H 16 --S 1024
//       --D 64 [--causal 0|1] [--threads 2] [--warmup 2] [--repeat 10]
//       [--seed 1] [--no-check] [--header]
//
// --warmup counts the first, untimed call that the check reads, so
// --warmup 1 means that call only.
//
// Prints one CSV row: peer,op,B,H,S,D,causal,threads,median_ms,gflops
// (--header prints the header line first). FLOPs are the useful ones, as
// attn-bench counts them: 4*B*H*D per visible (query, key) pair, where a
// causal problem (Sq = Skv) has S*(S+1)/2 visible pairs per head. That
// credits ORT with the causal saving even when its kernel computes the
// masked half, so the GFLOP/s of both peers compare times directly.
//
// Unless --no-check, the first result is compared, on a few sampled query
// rows of every head, with a float64 reference computed here: this proves
// that the layout, the scale and the causal mask are the ones the compiled
// side computes, not only that the op ran.
'use strict';

const { ort, createCpuSession, median } = require('./ort_common');

function usage(message) {
  process.stderr.write(`ort_bench.js: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    model: null, op: null, B: 1, H: 16, S: 1024, D: 64, causal: 0,
    threads: 2, warmup: 2, repeat: 10, seed: 1, check: true, header: false,
  };
  const ints = new Set(['B', 'H', 'S', 'D', 'causal', 'threads', 'warmup',
                        'repeat', 'seed']);
  for (let i = 0; i < argv.length; ++i) {
    let name = argv[i];
    if (!name.startsWith('--')) usage(`unexpected argument '${name}'`);
    name = name.slice(2);
    let value = null;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (name === 'no-check') { opts.check = false; continue; }
    if (name === 'header') { opts.header = true; continue; }
    if (!(name in opts)) usage(`unknown option --${name}`);
    if (value === null) {
      if (i + 1 >= argv.length) usage(`--${name} needs a value`);
      value = argv[++i];
    }
    if (ints.has(name)) {
      if (!/^\d+$/.test(value)) usage(`--${name} expects an integer`);
      opts[name] = Number(value);
    } else {
      opts[name] = value;
    }
  }
  if (!opts.model) usage('--model is required');
  if (opts.op !== 'mha' && opts.op !== 'attention')
    usage('--op must be mha or attention');
  if (opts.causal > 1) usage('--causal must be 0 or 1');
  if (opts.repeat < 1 || opts.threads < 1)
    usage('--repeat and --threads must be positive');
  for (const dim of ['B', 'H', 'S', 'D'])
    if (opts[dim] < 1) usage(`--${dim} must be positive`);
  return opts;
}

// Seeded uniform [-1, 1) data (mulberry32), so every run of a shape sees the
// same inputs without depending on Math.random.
function randomFloats(count, seed) {
  const data = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; ++i) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return data;
}

// Element offset of (b, h, s, 0) in either layout: MHA packs the heads into
// the last axis ([B, S, H*D]), the ONNX op keeps them apart ([B, H, S, D]).
function rowOffset(o, b, h, s) {
  return o.op === 'mha'
    ? ((b * o.S + s) * o.H + h) * o.D
    : ((b * o.H + h) * o.S + s) * o.D;
}

// Max abs error of `out` against a float64 attention over sampled query
// rows (first, second, middle, last: the causal edge cases) of every head.
function checkRows(o, q, k, v, out) {
  const rows = [...new Set([0, 1, o.S >> 1, o.S - 1])].filter((r) => r < o.S);
  const scale = 1 / Math.sqrt(o.D);
  const scores = new Float64Array(o.S);
  const acc = new Float64Array(o.D);
  let maxErr = 0;
  for (let b = 0; b < o.B; ++b) {
    for (let h = 0; h < o.H; ++h) {
      for (const i of rows) {
        const qi = rowOffset(o, b, h, i);
        const visible = o.causal ? i + 1 : o.S;
        let max = -Infinity;
        for (let j = 0; j < visible; ++j) {
          const kj = rowOffset(o, b, h, j);
          let dot = 0;
          for (let d = 0; d < o.D; ++d) dot += q[qi + d] * k[kj + d];
          scores[j] = dot * scale;
          if (scores[j] > max) max = scores[j];
        }
        acc.fill(0);
        let sum = 0;
        for (let j = 0; j < visible; ++j) {
          const p = Math.exp(scores[j] - max);
          sum += p;
          const vj = rowOffset(o, b, h, j);
          for (let d = 0; d < o.D; ++d) acc[d] += p * v[vj + d];
        }
        for (let d = 0; d < o.D; ++d) {
          const err = Math.abs(acc[d] / sum - out[qi + d]);
          if (!(err <= maxErr)) maxErr = err; // NaN propagates
        }
      }
    }
  }
  return maxErr;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const session = await createCpuSession(o.model, o.threads);

  const dims = o.op === 'mha' ? [o.B, o.S, o.H * o.D] : [o.B, o.H, o.S, o.D];
  const count = dims.reduce((a, x) => a * x, 1);
  for (const meta of session.inputMetadata) {
    if (JSON.stringify(meta.shape) !== JSON.stringify(dims))
      usage(`${o.model}: input '${meta.name}' has shape ` +
            `[${meta.shape}], expected [${dims}] for --op ${o.op}`);
  }
  const data = [0, 1, 2].map((i) => randomFloats(count, o.seed * 3 + i));
  const feeds = {};
  session.inputNames.forEach((name, i) => {
    feeds[name] = new ort.Tensor('float32', data[i], dims);
  });
  // A preallocated output: ORT writes into it, so the timed calls do not
  // include copying a fresh output into the JS heap (the compiled side also
  // writes into buffers allocated once).
  const output = new ort.Tensor('float32', new Float32Array(count), dims);
  const fetches = { [session.outputNames[0]]: output };
  const run = () => session.run(feeds, fetches);

  await run();
  if (o.check) {
    const err = checkRows(o, data[0], data[1], data[2], output.data);
    process.stderr.write(`ort_bench.js: ${o.op} check max_abs_err=` +
                         `${err.toExponential(3)}\n`);
    if (!(err <= 1e-4)) {
      process.stderr.write('ort_bench.js: check FAILED (tolerance 1e-4)\n');
      process.exit(1);
    }
  }
  for (let i = 1; i < o.warmup; ++i) await run();

  const times = [];
  for (let i = 0; i < o.repeat; ++i) {
    const start = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const ms = median(times);
  const pairs = o.causal ? (o.S * (o.S + 1)) / 2 : o.S * o.S;
  const flops = 4 * o.B * o.H * o.D * pairs;
  const gflops = flops / (ms * 1e6);

  if (o.header)
    console.log('peer,op,B,H,S,D,causal,threads,median_ms,gflops');
  console.log(['ort', o.op, o.B, o.H, o.S, o.D, o.causal, o.threads,
               ms.toFixed(4), gflops.toFixed(2)].join(','));
  await session.release();
}

main().catch((e) => {
  process.stderr.write(`ort_bench.js: ${e.message || e}\n`);
  process.exit(1);
});
