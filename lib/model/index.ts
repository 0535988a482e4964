/**
 * lib/model: model packages (twin.json + ONNX) and scoring. The only module that imports
 * onnxruntime-node; everything it returns is a plain domain type.
 *
 *   loadModelPackage(dir, options?): Promise<TwinModel>
 *       Reads twin.json, checks it (zod) and checks the ONNX graph against it (input/output
 *       names, feature count, output columns, one test run). Throws ModelPackageError whose
 *       `problems` list every {file, field, message} found. One ORT session per model, reused.
 *   listModelPackages(rootDir): Promise<PackageRef[]>
 *       <root>/<name>/<version>/twin.json, sorted; the newest version of a name is its last.
 *   listAllPackages(shippedDir, uploadedDir): Promise<SourcedPackageRef[]>   both, with `source`
 *   storeUploadedPackage(root, {model, twin}, taken): Promise<{ref, model}>
 *       Checks an uploaded package with loadModelPackage in a staging directory and only then
 *       moves it to <root>/<name>/<version>. Throws ModelPackageError or PackageExistsError.
 *
 *   TwinModel
 *     manifest, dir, hasBand
 *     validate(input: unknown): number[]           throws InputValidationError (every bad field)
 *     check(input: unknown): {ok: true, row} | {ok: false, errors}
 *     predict(input, {coalesce?}): Promise<Prediction>   {prediction, lower, upper, modelName, modelVersion, inferenceMs}
 *     predictBatch(inputs): Promise<Prediction[]>  all or nothing, one ONNX run
 *     predictEach(inputs): Promise<ItemPrediction[]>  per item {ok, index, result | errors}, one run for the good ones
 *     predictRows(rows: Float32Array, n): Promise<RowScores>  pre-checked rows, typed arrays out (hot path)
 *     dispose(): Promise<void>
 *
 * Inputs are objects of feature name -> number. Every feature is required, unknown keys, numeric
 * strings, NaN, ±Infinity and values outside the feature's valid range are refused. For an
 * ensemble (one output column per member) the prediction is the members' mean and the band the
 * percentiles named in twin.json (numpy "linear" interpolation); a single-output model has a null
 * band. Bring-your-own models: see README.md in this directory.
 */
export { loadModelPackage } from './twin-model';
export type { TwinModel, Prediction, RowScores, InputCheck, ItemPrediction, LoadOptions } from './twin-model';
export { listModelPackages } from './registry';
export type { PackageRef } from './registry';
export {
  listAllPackages,
  materialisePackage,
  packageHash,
  storeUploadedPackage,
  PackageExistsError,
  PackageHashError,
} from './package-store';
export type { PackageBytes, PackageSource, SourcedPackageRef, UploadedFiles } from './package-store';
export { readManifest } from './read-manifest';
export { ModelPackageError, InputValidationError, issuesToFields, problemsToFields } from './errors';
export type { PackageProblem, InputIssue, InputIssueCode } from './errors';
export { twinManifestSchema } from './manifest';
export type { TwinManifest, FeatureManifest } from './manifest';
