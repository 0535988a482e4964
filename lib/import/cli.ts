/**
 * `npm run model:import -- <dir> --out models/<name>/<version>`: turns a reference-system
 * scikit-learn model directory into a twinops package (see sklearn-import.ts).
 */
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { fieldPath } from '../model/manifest';
import { ImportError, importSklearnDir } from './sklearn-import';

const USAGE = `Usage: npm run model:import -- <dir> --out models/<name>/<version>

  <dir>      model.pkl (RandomForestRegressor, ExtraTreesRegressor, GradientBoostingRegressor or
             DecisionTreeRegressor), scaler.pkl (StandardScaler, optional), config.json
             (features, valid_ranges, version, trained_date)
  --out DIR  package directory; its last two segments are the name and version`;

async function main(): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    console.error(`model:import: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || !values.out) {
    console.error(`model:import: need one model directory and --out\n\n${USAGE}`);
    return 2;
  }
  try {
    const m = await importSklearnDir(positionals[0]!, values.out);
    console.log(
      `wrote ${values.out}: ${m.name} ${m.version}, ${m.onnx.members} output column(s), features ${m.features.map((f) => f.name).join(', ')}`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ZodError) {
      for (const issue of e.issues) console.error(`model:import: twin.json ${fieldPath(issue.path)}: ${issue.message}`);
      return 1;
    }
    console.error(`model:import: ${e instanceof ImportError ? e.message : (e as Error).message}`);
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
