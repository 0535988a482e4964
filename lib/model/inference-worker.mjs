/**
 * A worker thread that runs one ONNX model (see inference-pool.ts). onnxruntime-node's `run`
 * occupies the calling thread for the whole inference; here it occupies this thread instead, so
 * the web server's thread keeps parsing and answering requests on the other core meanwhile.
 * It also summarizes the rows it ran (prediction and band, member-summary.mjs, the same code the
 * calling thread uses) and posts back those few numbers per row instead of every member's
 * output (3 numbers per row instead of 100 for the shipped forest): the per-member work belongs
 * on the thread that ran the rows.
 * Plain JavaScript (ES module) so it starts the same under tsx, vitest and plain node.
 */
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { MemberSummarizer, memberBlock, packedLength, packedTargets } from './member-summary.mjs';

const { path, input, output, features, members, band } = workerData;
const summarizer = new MemberSummarizer(members, band);
const ready = ort.InferenceSession.create(path, {
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  logSeverityLevel: 3,
});

parentPort.on('message', async (msg) => {
  if (msg.type === 'close') {
    try {
      await (await ready).release();
    } finally {
      parentPort.close();
    }
    return;
  }
  const { id, rows, n } = msg;
  try {
    const session = await ready;
    const result = await session.run({ [input]: new ort.Tensor('float32', rows, [n, features]) }, [output]);
    const block = memberBlock(result[output], output, n, members);
    const summary = new Float64Array(packedLength(n, band !== null));
    summarizer.summarize(block, n, packedTargets(summary, n, band !== null));
    parentPort.postMessage({ id, summary }, [summary.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
