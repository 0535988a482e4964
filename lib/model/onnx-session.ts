/**
 * The only place that touches onnxruntime: opening a session, checking it against twin.json,
 * and running float rows through it. Nothing ORT-typed leaves this file.
 */
import * as ort from 'onnxruntime-node';
import type { PackageProblem } from './errors';
import { MANIFEST_FILE } from './read-manifest';
import type { TwinManifest } from './manifest';
import { InferenceWorker, OFFLOAD_MIN_ROWS, SPLIT_MIN_ROWS, workerAvailable } from './inference-pool';

export interface SessionOptions {
  /**
   * onnxruntime intra-op threads. Default 1: the console scores small batches (one row per
   * asset per tick, what-if requests), where waking a second thread costs more than it saves,
   * and the web server needs the other core. Raise it for bulk scoring.
   */
  intraOpThreads?: number;
  /** Run batches of OFFLOAD_MIN_ROWS rows or more on a worker thread (default true). */
  offload?: boolean;
}

/** A float [N, F] -> float [N, M] model run. */
export interface RowRunner {
  /** Runs `n` rows (row-major, `features` per row) and returns the [n, members] output. */
  run(rows: Float32Array, n: number): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * Opens model.onnx and checks it serves what twin.json promises: input and output names, a
 * float32 input of `features.length` columns and a float32 output of `onnx.members` columns
 * (checked from the graph's declared shapes and again with one test row, since converters
 * often leave dimensions symbolic). Problems are returned, not thrown.
 */
export async function openSession(
  onnxPath: string,
  manifest: TwinManifest,
  options: SessionOptions = {},
): Promise<{ runner: RowRunner | null; problems: PackageProblem[] }> {
  const file = manifest.onnx.file;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnxPath, {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: options.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    });
  } catch (e) {
    return { runner: null, problems: [{ file, field: '', message: `onnxruntime cannot load it: ${firstLine(e)}` }] };
  }
  const problems = checkSignature(session, manifest);
  const runner = problems.length === 0 ? createRunner(session, manifest) : null;
  if (runner) {
    // One row at the middle of every valid range: catches symbolic shapes that do not fit.
    const probe = Float32Array.from(manifest.features, (f) => (f.min + f.max) / 2);
    try {
      const out = await runner.run(probe, 1);
      if (!out.every(Number.isFinite)) {
        problems.push({ file, field: '', message: `test run at the middle of the valid ranges gave non-finite output [${Array.from(out.subarray(0, 5)).join(', ')}]` });
      }
    } catch (e) {
      problems.push({ file, field: '', message: `test run failed: ${firstLine(e)}` });
    }
  }
  if (problems.length > 0) {
    await session.release();
    return { runner: null, problems };
  }
  return { runner: runner && options.offload !== false && workerAvailable() ? withOffload(runner, onnxPath, manifest) : runner, problems };
}

/**
 * `inline` for small runs; large ones on a worker thread (started at the first), so the calling
 * thread stays free while the model runs. Bulk runs (SPLIT_MIN_ROWS and more, beyond what one API
 * request may send by default) are split: half on the worker, half here, both cores at once.
 * If the worker fails, it is started again at the next large run.
 */
function withOffload(inline: RowRunner, onnxPath: string, manifest: TwinManifest): RowRunner {
  let worker: InferenceWorker | null = null;
  const io = { input: manifest.onnx.input, output: manifest.onnx.output, features: manifest.features.length, members: manifest.onnx.members };
  return {
    async run(rows, n) {
      if (n < OFFLOAD_MIN_ROWS) return inline.run(rows, n);
      if (!worker?.usable) worker = new InferenceWorker(onnxPath, io);
      if (n < SPLIT_MIN_ROWS) return worker.run(rows, n);
      const half = n >> 1;
      const f = io.features;
      // The worker's half is posted first, so it computes while this thread runs the other half.
      const [first, second] = await Promise.all([worker.run(rows.subarray(0, half * f), half), inline.run(rows.subarray(half * f, n * f), n - half)]);
      const out = new Float32Array(n * io.members);
      out.set(first);
      out.set(second, half * io.members);
      return out;
    },
    async release() {
      await worker?.close();
      worker = null;
      await inline.release();
    },
  };
}

function checkSignature(session: ort.InferenceSession, manifest: TwinManifest): PackageProblem[] {
  const { file, input, output, members } = manifest.onnx;
  const problems: PackageProblem[] = [];
  const featureCount = manifest.features.length;

  const inputMeta = session.inputMetadata.find((m) => m.name === input);
  if (!inputMeta) {
    problems.push({ file: MANIFEST_FILE, field: 'onnx.input', message: `${file} has no input "${input}" (its inputs: ${session.inputNames.join(', ')})` });
  } else if (session.inputNames.length > 1) {
    problems.push({ file, field: '', message: `has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); only models with one input are supported` });
  } else if (!inputMeta.isTensor || inputMeta.type !== 'float32') {
    problems.push({ file, field: '', message: `input "${input}" must be a float32 tensor, is ${describe(inputMeta)}` });
  } else if (inputMeta.shape.length !== 2) {
    problems.push({ file, field: '', message: `input "${input}" must have shape [N, ${featureCount}], has [${inputMeta.shape.join(', ')}]` });
  } else if (typeof inputMeta.shape[1] === 'number' && inputMeta.shape[1] !== featureCount) {
    problems.push({
      file: MANIFEST_FILE,
      field: 'features',
      message: `lists ${featureCount} features but ${file} input "${input}" takes ${inputMeta.shape[1]} per row`,
    });
  }

  const outputMeta = session.outputMetadata.find((m) => m.name === output);
  if (!outputMeta) {
    problems.push({ file: MANIFEST_FILE, field: 'onnx.output', message: `${file} has no output "${output}" (its outputs: ${session.outputNames.join(', ')})` });
  } else if (!outputMeta.isTensor || outputMeta.type !== 'float32') {
    problems.push({ file, field: '', message: `output "${output}" must be a float32 tensor, is ${describe(outputMeta)}` });
  } else if (outputMeta.shape.length !== 2) {
    problems.push({ file, field: '', message: `output "${output}" must have shape [N, ${members}], has [${outputMeta.shape.join(', ')}]` });
  } else if (typeof outputMeta.shape[1] === 'number' && outputMeta.shape[1] !== members) {
    problems.push({
      file: MANIFEST_FILE,
      field: 'onnx.members',
      message: `is ${members} but ${file} output "${output}" has ${outputMeta.shape[1]} columns`,
    });
  }
  return problems;
}

function createRunner(session: ort.InferenceSession, manifest: TwinManifest): RowRunner {
  const { input, output, members } = manifest.onnx;
  const featureCount = manifest.features.length;
  const fetches = [output];
  return {
    async run(rows, n) {
      const data = rows.length === n * featureCount ? rows : rows.subarray(0, n * featureCount);
      const result = await session.run({ [input]: new ort.Tensor('float32', data, [n, featureCount]) }, fetches);
      const tensor = result[output];
      if (!tensor || tensor.type !== 'float32' || tensor.dims.length !== 2 || tensor.dims[0] !== n || tensor.dims[1] !== members) {
        const got = tensor ? `${tensor.type} [${tensor.dims.join(', ')}]` : 'nothing';
        throw new Error(`output "${output}" should be float32 [${n}, ${members}], got ${got}`);
      }
      return tensor.data as Float32Array;
    },
    release: () => session.release(),
  };
}

function describe(meta: ort.InferenceSession.ValueMetadata): string {
  return meta.isTensor ? `a ${meta.type} tensor` : 'not a tensor';
}

function firstLine(e: unknown): string {
  return String((e as Error).message ?? e).split('\n')[0]!;
}
