/**
 * Training entry point shared by the CLI and tests: load or sample the data, build the package,
 * write it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TrainArgs } from './cli-args';
import { parseNumericCsv } from './csv';
import { sampleProcessTable, tableFromCsv, type TrainingTable } from './dataset';
import { buildModelPackage, writeModelPackage, type BuiltPackage } from './build-package';

/** Trains per `args` and writes the package to `args.out`. CSV problems throw `CsvError`. */
export async function trainModelPackage(args: TrainArgs): Promise<BuiltPackage> {
  let table: TrainingTable;
  let source: string;
  if (args.data) {
    const text = await readFile(args.data, 'utf8');
    table = tableFromCsv(parseNumericCsv(text, args.data), args.target, args.data);
    source = `csv:${path.basename(args.data)}`;
  } else {
    table = sampleProcessTable(args.rows, args.seed, args.design);
    source = args.design === 'lhs' ? 'process-model (latin hypercube)' : 'process-model';
  }
  const built = buildModelPackage(table, {
    name: args.name,
    version: args.version,
    description: args.description,
    trainedAt: args.trainedAt,
    regressor: args.regressor,
    learningRate: args.learningRate,
    coverage: args.coverage,
    band: args.band,
    trees: args.trees,
    depth: args.depth,
    minSamplesLeaf: args.minSamplesLeaf,
    seed: args.seed,
    source,
  });
  await writeModelPackage(args.out, built);
  return built;
}
