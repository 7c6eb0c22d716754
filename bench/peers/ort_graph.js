#!/usr/bin/env node
// Times a whole ONNX model graph on ONNX Runtime's CPU EP with .npy inputs.
//
//   node ort_graph.js --model FILE --input NAME=FILE.npy [--input ...]
//       [--output FILE.npy] [--threads 2] [--warmup 2] [--repeat 10]
//
// The inputs are float32 C-order .npy files, one per graph input, by
// name. The first output of the first call is written to --output (float32
// .npy) so that the caller can check it; the timed calls write into the
// same preallocated tensor. Prints the median time of the timed calls in
// milliseconds, as `median_ms=T`.
'use strict';

const fs = require('fs');
const { ort, createCpuSession, median } = require('./ort_common');

function usage(message) {
  process.stderr.write(`ort_graph.js: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { model: null, inputs: {}, output: null, threads: 2, warmup: 2,
              repeat: 10 };
  for (let i = 0; i < argv.length; ++i) {
    const name = argv[i];
    if (i + 1 >= argv.length) usage(`${name} needs a value`);
    const value = argv[++i];
    if (name === '--model') o.model = value;
    else if (name === '--output') o.output = value;
    else if (name === '--input') {
      const eq = value.indexOf('=');
      if (eq <= 0) usage(`--input expects NAME=FILE.npy, got '${value}'`);
      o.inputs[value.slice(0, eq)] = value.slice(eq + 1);
    } else if (['--threads', '--warmup', '--repeat'].includes(name)) {
      if (!/^\d+$/.test(value) || Number(value) < 1)
        usage(`${name} expects a positive integer`);
      o[name.slice(2)] = Number(value);
    } else usage(`unknown option ${name}`);
  }
  if (!o.model) usage('--model is required');
  return o;
}

// The float32 array and shape of a version 1-3 .npy file holding '<f4' in
// C order (what numpy.save writes for float32).
function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY')
    throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header))
    throw new Error(`${path}: expected float32 ('<f4') in C order: ${header}`);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1]
    .split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const count = shape.reduce((a, x) => a * x, 1);
  const data = new Float32Array(count);
  Buffer.from(data.buffer).set(buf.subarray(start, start + 4 * count));
  return { data, shape };
}

function writeNpy(path, data, shape) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ` +
               `(${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Magic (6) + version (2) + length (2) + header + '\n', a multiple of 64.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([
    head, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const session = await createCpuSession(o.model, o.threads);
  const feeds = {};
  for (const name of session.inputNames) {
    if (!(name in o.inputs)) usage(`${o.model} needs --input ${name}=FILE.npy`);
    const { data, shape } = readNpy(o.inputs[name]);
    feeds[name] = new ort.Tensor('float32', data, shape);
  }
  for (const name of Object.keys(o.inputs))
    if (!session.inputNames.includes(name))
      usage(`${o.model} has no input '${name}'`);

  const first = await session.run(feeds);
  const result = first[session.outputNames[0]];
  if (o.output) writeNpy(o.output, result.data, result.dims);
  // Later calls write into a preallocated output, as the compiled side does.
  const output = new ort.Tensor('float32', new Float32Array(result.data.length),
                                result.dims);
  const fetches = { [session.outputNames[0]]: output };
  for (let i = 1; i < o.warmup; ++i) await session.run(feeds, fetches);
  const times = [];
  for (let i = 0; i < o.repeat; ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds, fetches);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`median_ms=${median(times).toFixed(4)}`);
  await session.release();
}

main().catch((e) => {
  process.stderr.write(`ort_graph.js: ${e.message || e}\n`);
  process.exit(1);
});
