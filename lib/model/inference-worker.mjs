/**
 * A worker thread that runs one ONNX model (see inference-pool.ts). onnxruntime-node's `run`
 * occupies the calling thread for the whole inference; here it occupies this thread instead, so
 * the web server's thread keeps parsing and answering requests on the other core meanwhile.
 * Plain JavaScript (ES module) so it starts the same under tsx, vitest and plain node.
 */
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';

const { path, input, output, features } = workerData;
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
    const tensor = result[output];
    // A copy we own, so its buffer can be handed over without copying again.
    const data = new Float32Array(tensor.data);
    parentPort.postMessage({ id, data, dims: tensor.dims, type: tensor.type }, [data.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
