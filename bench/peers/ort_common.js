// What ort_bench.js and ort_graph.js share: how a session is configured
// (CPU EP, T intra-op threads, one inter-op thread, every graph
// optimisation) and how the times of the calls are summarised.
'use strict';

const ort = require('onnxruntime-node');

function createCpuSession(model, threads) {
  return ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

// Median of an ascending array.
function median(sorted) {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

module.exports = { ort, createCpuSession, median };
