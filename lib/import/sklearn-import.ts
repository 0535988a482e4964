/**
 * Imports a reference-system scikit-learn model directory (model.pkl, scaler.pkl, config.json,
 * as its `package_model_for_edge` writes them) as a twinops package: the trees and the scaler go
 * into one ONNX graph (input -> Sub(mean) -> Div(std) -> TreeEnsemble), a forest with one output
 * column per tree (band = the trees' 5th-95th percentile, as the reference computed it, labelled
 * as their spread), boosted trees with one summed output; twin.json from config.json (features,
 * valid ranges, version, trained date), with the plant's names and units for known signals and
 * the reference's names (`temp`) kept as aliases.
 *
 * Python with scikit-learn runs only here (sklearn_dump.py reads the pickles); the console never
 * needs it. TWINOPS_PYTHON picks the interpreter, else the first of python3, /usr/bin/python3
 * that can import sklearn.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { twinManifestSchema, type TwinManifest } from '../model/manifest';
import { PROCESS_FEATURES, PROCESS_TARGET } from '../plant/process-model';
import { DEFAULT_PREDICTION_LIMITS, ONNX_INPUT, ONNX_OUTPUT, writeModelPackage } from '../training/build-package';
import { forestToOnnx } from '../training/forest-onnx';
import type { Forest, Tree } from '../training/random-forest';

const run = promisify(execFile);
const DUMP_SCRIPT = path.resolve(process.env.TWINOPS_ROOT ?? process.cwd(), 'lib/import/sklearn_dump.py');

export class ImportError extends Error {}

interface DumpedTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface SklearnDump {
  modelType: string;
  combine: 'members' | 'sum';
  featureCount: number;
  trees: DumpedTree[];
  scaler: { mean: number[]; std: number[] } | null;
  config: {
    features?: unknown;
    valid_ranges?: Record<string, [number, number]>;
    version?: string;
    trained_date?: string;
    model_type?: string;
    target?: string;
  };
  predictions?: number[];
}

/** A Python that can import sklearn. */
export async function findPython(): Promise<string> {
  const candidates = process.env.TWINOPS_PYTHON ? [process.env.TWINOPS_PYTHON] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    try {
      await run(python, ['-c', 'import sklearn, numpy']);
      return python;
    } catch {
      // try the next one
    }
  }
  throw new ImportError(
    `no Python with scikit-learn found (tried ${candidates.join(', ')}); install python3-sklearn or set TWINOPS_PYTHON`,
  );
}

/** Reads the directory through sklearn_dump.py; `rowsFile` adds sklearn's predictions for those rows. */
export async function dumpSklearnDir(dir: string, rowsFile?: string): Promise<SklearnDump> {
  const python = await findPython();
  const { stdout } = await run(python, [DUMP_SCRIPT, dir, ...(rowsFile ? [rowsFile] : [])], {
    maxBuffer: 512 * 1024 * 1024,
  });
  const out = JSON.parse(stdout) as SklearnDump | { error: string };
  if ('error' in out) throw new ImportError(`${dir}: ${out.error}`);
  return out;
}

/** Builds twin.json and model.onnx from a dump. */
export function packageFromDump(
  dump: SklearnDump,
  options: { name: string; version: string; source: string },
): { manifest: TwinManifest; onnx: Uint8Array } {
  const names = dump.config.features;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string') || names.length === 0) {
    throw new ImportError('config.json: "features" must be a non-empty list of names');
  }
  if (names.length !== dump.featureCount) {
    throw new ImportError(`config.json lists ${names.length} features but model.pkl takes ${dump.featureCount}`);
  }
  const ranges = dump.config.valid_ranges ?? {};
  const features = (names as string[]).map((raw) => {
    const known = PROCESS_FEATURES.find((p) => p.name === raw || p.aliases?.includes(raw));
    const range = ranges[raw];
    const min = range?.[0] ?? known?.min;
    const max = range?.[1] ?? known?.max;
    if (min === undefined || max === undefined) {
      throw new ImportError(`config.json: valid_ranges has no range for "${raw}"`);
    }
    if (known) {
      const aliases = [...new Set([...(known.aliases ?? []), ...(raw !== known.name ? [raw] : [])])];
      return { name: known.name, label: known.label, unit: known.unit, min, max, step: known.step, aliases };
    }
    return { name: raw, label: raw, unit: '', min, max, step: niceStep((max - min) / 100) };
  });
  const f = features.length;
  const trees: Tree[] = dump.trees.map((t) => ({
    feature: Int32Array.from(t.feature),
    threshold: Float32Array.from(t.threshold),
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    value: Float64Array.from(t.value, (v) => Math.fround(v)),
  }));
  const forest: Forest = { trees, featureCount: f };
  const scaler = {
    mean: Float64Array.from(dump.scaler?.mean ?? new Array<number>(f).fill(0), (v) => Math.fround(v)),
    std: Float64Array.from(dump.scaler?.std ?? new Array<number>(f).fill(1), (v) => Math.fround(v)),
  };
  const members = dump.combine === 'members' ? trees.length : 1;
  const targetName = dump.config.target ?? PROCESS_TARGET.name;
  const target =
    targetName === PROCESS_TARGET.name ? { ...PROCESS_TARGET } : { name: targetName, label: targetName, unit: '' };
  const trainedAt = /^\d{4}-\d{2}-\d{2}$/.test(dump.config.trained_date ?? '') ? dump.config.trained_date! : undefined;
  const raw = {
    schemaVersion: 1,
    name: options.name,
    version: options.version,
    trainedAt: trainedAt ?? new Date().toISOString().slice(0, 10),
    description:
      `${dump.modelType} (${trees.length} tree${trees.length === 1 ? '' : 's'}) imported from a scikit-learn model directory` +
      (dump.config.version ? ` (its version ${dump.config.version})` : '') +
      (members > 1 ? "; band = the trees' 5th-95th percentile (their spread, not a calibrated interval)." : '.'),
    target,
    features,
    onnx: { file: 'model.onnx', input: ONNX_INPUT, output: ONNX_OUTPUT, members },
    interval: members > 1 ? { method: 'ensemble-percentile', lower: 5, upper: 95 } : { method: 'none' },
    training: { source: options.source, trees: trees.length },
    alerts: { prediction: { ...DEFAULT_PREDICTION_LIMITS } },
  };
  const manifest = twinManifestSchema.parse(raw);
  const onnx = forestToOnnx(
    forest,
    scaler,
    { input: ONNX_INPUT, output: ONNX_OUTPUT, combine: dump.combine },
    `${options.name} ${options.version} (imported ${dump.modelType})`,
  );
  return { manifest, onnx };
}

/** `npm run model:import -- <dir> --out models/<name>/<version>`: reads, converts and writes. */
export async function importSklearnDir(dir: string, out: string): Promise<TwinManifest> {
  const resolved = path.resolve(out);
  const dump = await dumpSklearnDir(dir);
  const built = packageFromDump(dump, {
    name: path.basename(path.dirname(resolved)),
    version: path.basename(resolved),
    source: `sklearn:${path.basename(path.resolve(dir))}`,
  });
  await writeModelPackage(out, built);
  return built.manifest;
}

/** 1, 2 or 5 times a power of ten, at most `raw`: slider steps people can read. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return Number(((m >= 5 ? 5 : m >= 2 ? 2 : 1) * power).toPrecision(1));
}
