/**
 * The only place that touches onnxruntime on the calling thread: opening a session, checking it
 * against twin.json, and scoring float rows with it. Nothing ORT-typed leaves this file.
 */
import * as ort from 'onnxruntime-node';
import type { PackageProblem } from './errors';
import { MANIFEST_FILE } from './read-manifest';
import type { TwinManifest } from './manifest';
import { InferenceWorker, workerAvailable } from './inference-pool';
import { withLanes } from './lanes';
import { MemberSummarizer, memberBlock, type BandSpec, type SummaryTargets } from './member-summary.mjs';

export interface SessionOptions {
  /**
   * onnxruntime intra-op threads. Default 1: the console scores small batches (one row per
   * asset per tick, what-if requests), where waking a second thread costs more than it saves,
   * and the web server needs the other core. Raise it for bulk scoring.
   */
  intraOpThreads?: number;
  /** Use a worker thread as a second lane for batches of OFFLOAD_MIN_ROWS rows or more (lanes.ts; default true). */
  offload?: boolean;
}

/** Scores float [N, F] rows: the model's [N, M] output summarized row by row (member-summary.mjs). */
export interface RowRunner {
  /**
   * Runs `n` rows (row-major, `features` per row) and writes row r's prediction and band to `out`
   * at index `order ? order[r] : r` (a caller that reordered its rows gets them back in place).
   */
  score(rows: Float32Array, n: number, out: SummaryTargets, order?: Int32Array): Promise<void>;
  release(): Promise<void>;
}

/** How the band is computed (percentiles or a calibrated interval), or null when the model has none. */
export function bandOf(manifest: TwinManifest): BandSpec | null {
  const interval = manifest.interval;
  if (interval.method === 'ensemble-percentile') return { lower: interval.lower, upper: interval.upper };
  if (interval.method === 'conformal') {
    return { halfWidth: interval.halfWidth, scale: interval.scale, floor: interval.floor };
  }
  return null;
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
  const run = problems.length === 0 ? createRun(session, manifest) : null;
  if (run) {
    // One row at the middle of every valid range: catches symbolic shapes that do not fit.
    const probe = Float32Array.from(manifest.features, (f) => (f.min + f.max) / 2);
    try {
      const out = await run(probe, 1);
      if (!out.every(Number.isFinite)) {
        problems.push({
          file,
          field: '',
          message: `test run at the middle of the valid ranges gave non-finite output [${Array.from(out.subarray(0, 5)).join(', ')}]`,
        });
      }
    } catch (e) {
      problems.push({ file, field: '', message: `test run failed: ${firstLine(e)}` });
    }
  }
  if (problems.length > 0 || !run) {
    await session.release();
    return { runner: null, problems };
  }
  const inline = inlineRunner(run, session, manifest);
  if (options.offload === false || !workerAvailable()) return { runner: inline, problems };
  const model = {
    input: manifest.onnx.input,
    output: manifest.onnx.output,
    features: manifest.features.length,
    members: manifest.onnx.members,
    band: bandOf(manifest),
  };
  return { runner: withLanes(inline, () => new InferenceWorker(onnxPath, model), model.features), problems };
}

function checkSignature(session: ort.InferenceSession, manifest: TwinManifest): PackageProblem[] {
  const { file, input, output, members } = manifest.onnx;
  const problems: PackageProblem[] = [];
  const featureCount = manifest.features.length;

  const inputMeta = session.inputMetadata.find((m) => m.name === input);
  if (!inputMeta) {
    problems.push({
      file: MANIFEST_FILE,
      field: 'onnx.input',
      message: `${file} has no input "${input}" (its inputs: ${session.inputNames.join(', ')})`,
    });
  } else if (session.inputNames.length > 1) {
    problems.push({
      file,
      field: '',
      message: `has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); only models with one input are supported`,
    });
  } else if (!inputMeta.isTensor || inputMeta.type !== 'float32') {
    problems.push({ file, field: '', message: `input "${input}" must be a float32 tensor, is ${describe(inputMeta)}` });
  } else if (inputMeta.shape.length !== 2) {
    problems.push({
      file,
      field: '',
      message: `input "${input}" must have shape [N, ${featureCount}], has [${inputMeta.shape.join(', ')}]`,
    });
  } else if (typeof inputMeta.shape[1] === 'number' && inputMeta.shape[1] !== featureCount) {
    problems.push({
      file: MANIFEST_FILE,
      field: 'features',
      message: `lists ${featureCount} features but ${file} input "${input}" takes ${inputMeta.shape[1]} per row`,
    });
  }

  const outputMeta = session.outputMetadata.find((m) => m.name === output);
  if (!outputMeta) {
    problems.push({
      file: MANIFEST_FILE,
      field: 'onnx.output',
      message: `${file} has no output "${output}" (its outputs: ${session.outputNames.join(', ')})`,
    });
  } else if (!outputMeta.isTensor || outputMeta.type !== 'float32') {
    problems.push({
      file,
      field: '',
      message: `output "${output}" must be a float32 tensor, is ${describe(outputMeta)}`,
    });
  } else if (outputMeta.shape.length !== 2) {
    problems.push({
      file,
      field: '',
      message: `output "${output}" must have shape [N, ${members}], has [${outputMeta.shape.join(', ')}]`,
    });
  } else if (typeof outputMeta.shape[1] === 'number' && outputMeta.shape[1] !== members) {
    problems.push({
      file: MANIFEST_FILE,
      field: 'onnx.members',
      message: `is ${members} but ${file} output "${output}" has ${outputMeta.shape[1]} columns`,
    });
  }
  return problems;
}

/** A float [N, F] -> float [N, M] run on this thread (the worker's twin is in inference-worker.mjs). */
function createRun(
  session: ort.InferenceSession,
  manifest: TwinManifest,
): (rows: Float32Array, n: number) => Promise<Float32Array> {
  const { input, output, members } = manifest.onnx;
  const featureCount = manifest.features.length;
  const fetches = [output];
  return async (rows, n) => {
    const data = rows.length === n * featureCount ? rows : rows.subarray(0, n * featureCount);
    const result = await session.run({ [input]: new ort.Tensor('float32', data, [n, featureCount]) }, fetches);
    return memberBlock(result[output], output, n, members);
  };
}

/** Runs and summarizes on this thread, with the same summarizer code as the worker. */
function inlineRunner(
  run: (rows: Float32Array, n: number) => Promise<Float32Array>,
  session: ort.InferenceSession,
  manifest: TwinManifest,
): RowRunner {
  const summarizer = new MemberSummarizer(manifest.onnx.members, bandOf(manifest));
  return {
    async score(rows, n, out, order) {
      summarizer.summarize(await run(rows, n), n, out, order);
    },
    release: () => session.release(),
  };
}

function describe(meta: ort.InferenceSession.ValueMetadata): string {
  return meta.isTensor ? `a ${meta.type} tensor` : 'not a tensor';
}

/**
 * The first line of an onnxruntime error with every filesystem path cut to its file name:
 * "Load model from /srv/data/models/.upload-1a2b/model.onnx failed" reaches an admin as
 * "Load model from model.onnx failed" (no server path in any answer).
 */
function firstLine(e: unknown): string {
  const line = String((e as Error).message ?? e).split('\n')[0]!;
  return line.replace(/(?<=^|[\s'"(=])(?:[A-Za-z]:)?(?:[\\/][^\s\\/'"`:,;()]+)+[\\/]?/g, (p) => {
    const parts = p.split(/[\\/]/).filter(Boolean);
    return parts.at(-1) ?? p;
  });
}
