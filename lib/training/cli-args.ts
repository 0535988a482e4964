/**
 * Command-line arguments of `npm run model:train`, parsed and checked before any work starts.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface TrainArgs {
  out: string;
  name: string;
  version: string;
  description?: string;
  data?: string;
  target: string;
  rows: number;
  design: 'uniform' | 'lhs';
  regressor: 'forest' | 'boosted';
  learningRate: number;
  coverage: number;
  band: 'conformal' | 'percentile';
  trees: number;
  depth: number;
  minSamplesLeaf: number;
  seed: number;
  trainedAt: string;
}

export const USAGE = `Usage: npm run model:train -- --out models/<name>/<version> [options]

  --out DIR               package directory; its last two segments are the name and version
  --data FILE.csv         train on a CSV (header: feature names and the target); default:
                          sample the process model over the valid ranges, with noise
  --target NAME           target column of the CSV (default: yield)
  --rows N                rows sampled from the process model (default: 10000)
  --design uniform|lhs    sampling of the process model: uniform random or Latin hypercube
                          (default: uniform)
  --regressor forest|boosted   random forest (one output per tree) or gradient-boosted trees
                          (one output; default: forest)
  --learning-rate X       boosting shrinkage (default: 0.1)
  --coverage X            nominal coverage of the calibrated band (default: 0.9)
  --band conformal|percentile   a calibrated prediction interval (default), or a forest's
                          5th-95th percentile of the trees (older packages' band)
  --trees N               trees in the forest (default: 100)
  --depth N               maximum tree depth (default: 10)
  --min-samples-leaf N    smallest leaf, in samples (default: 5)
  --seed N                seed of sampling, split and forest (default: 42)
  --trained-at YYYY-MM-DD training date recorded in twin.json (default: SOURCE_DATE_EPOCH,
                          else today's UTC date); fix it for byte-identical rebuilds
  --name NAME, --version V, --description TEXT   override what twin.json says`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses argv (without node and script) against the environment (for SOURCE_DATE_EPOCH). */
export function parseTrainArgs(argv: string[], env: Record<string, string | undefined>, now = new Date()): TrainArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        data: { type: 'string' },
        target: { type: 'string', default: 'yield' },
        rows: { type: 'string', default: '10000' },
        design: { type: 'string', default: 'uniform' },
        regressor: { type: 'string', default: 'forest' },
        'learning-rate': { type: 'string', default: '0.1' },
        coverage: { type: 'string', default: '0.9' },
        band: { type: 'string', default: 'conformal' },
        trees: { type: 'string', default: '100' },
        depth: { type: 'string', default: '10' },
        'min-samples-leaf': { type: 'string', default: '5' },
        seed: { type: 'string', default: '42' },
        'trained-at': { type: 'string' },
        name: { type: 'string' },
        version: { type: 'string' },
        description: { type: 'string' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!values.out) throw new UsageError('--out is required');
  const out = path.normalize(values.out);
  return {
    out,
    name: values.name ?? path.basename(path.dirname(path.resolve(out))),
    version: values.version ?? path.basename(out),
    description: values.description,
    data: values.data,
    target: values.target,
    rows: integer('--rows', values.rows, 20),
    design: oneOf('--design', values.design, ['uniform', 'lhs'] as const),
    regressor: oneOf('--regressor', values.regressor, ['forest', 'boosted'] as const),
    learningRate: fraction('--learning-rate', values['learning-rate'], true),
    coverage: fraction('--coverage', values.coverage, false),
    band: oneOf('--band', values.band, ['conformal', 'percentile'] as const),
    trees: integer('--trees', values.trees, 1),
    depth: integer('--depth', values.depth, 1),
    minSamplesLeaf: integer('--min-samples-leaf', values['min-samples-leaf'], 1),
    seed: integer('--seed', values.seed, 0),
    trainedAt: trainingDate(values['trained-at'], env.SOURCE_DATE_EPOCH, now),
  };
}

function oneOf<T extends string>(flag: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** A number in (0, 1), or (0, 1] with `closed`. */
function fraction(flag: string, raw: string, closed: boolean): number {
  const v = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || !(v > 0 && (closed ? v <= 1 : v < 1))) {
    throw new UsageError(`${flag} must be a number in (0, 1${closed ? ']' : ')'}, got "${raw}"`);
  }
  return v;
}

function integer(flag: string, raw: string, min: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`${flag} must be an integer >= ${min}, got "${raw}"`);
  }
  return Number(raw);
}

/**
 * The date to record: the flag, else SOURCE_DATE_EPOCH (the reproducible-builds convention,
 * seconds since the epoch), else today in UTC.
 */
export function trainingDate(flag: string | undefined, sourceDateEpoch: string | undefined, now: Date): string {
  if (flag !== undefined) {
    const d = new Date(`${flag}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(flag) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== flag) {
      throw new UsageError(`--trained-at must be a date YYYY-MM-DD, got "${flag}"`);
    }
    return flag;
  }
  if (sourceDateEpoch !== undefined && sourceDateEpoch !== '') {
    if (!/^\d+$/.test(sourceDateEpoch))
      throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds, got "${sourceDateEpoch}"`);
    return new Date(Number(sourceDateEpoch) * 1000).toISOString().slice(0, 10);
  }
  return now.toISOString().slice(0, 10);
}
