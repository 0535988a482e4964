/**
 * `npm run model:train -- --out models/<name>/<version> [...]`: trains a random forest and
 * writes a model package. See USAGE in cli-args.ts.
 */
import { ZodError } from 'zod';
import { fieldPath } from '../model/manifest';
import { USAGE, UsageError, parseTrainArgs } from './cli-args';
import { countLeaves } from './random-forest';
import { trainModelPackage } from './train';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  try {
    const args = parseTrainArgs(argv, process.env);
    const started = performance.now();
    const { manifest, onnx, forest } = await trainModelPackage(args);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const leaves = forest.trees.reduce((sum, t) => sum + countLeaves(t), 0);
    const m = manifest.metrics;
    console.log(
      `wrote ${args.out}: ${manifest.onnx.file} ${(onnx.length / 1024).toFixed(0)} KiB, twin.json (${seconds} s)`,
    );
    console.log(
      `  ${manifest.name} ${manifest.version}, trained ${manifest.trainedAt}, source ${manifest.training?.source}`,
    );
    console.log(
      `  ${forest.trees.length} trees, ${leaves} leaves; ${m?.trainRows} training rows, ${m?.holdoutRows} held out`,
    );
    console.log(`  holdout R2 ${m?.r2}  MAE ${m?.mae}  RMSE ${m?.rmse} (${manifest.target.unit})`);
    const band = manifest.interval;
    if (band.method === 'conformal' && band.measured) {
      console.log(
        `  band: ${band.coverage * 100} % prediction interval (${band.scale}), measured coverage ${(band.measured.coverage * 100).toFixed(1)} % on ${band.measured.rows} test rows`,
      );
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`model:train: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof ZodError) {
      for (const issue of e.issues) console.error(`model:train: twin.json ${fieldPath(issue.path)}: ${issue.message}`);
      return 1;
    }
    console.error(`model:train: ${(e as Error).message}`);
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
