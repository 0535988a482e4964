/**
 * The model runtime's typed errors. Both carry structured details (for API responses and
 * logs) and a message that reads well on its own.
 */
import { DomainError, type FieldError } from '../errors/domain-error';

/** One thing wrong with a model package, located by file and field. */
export interface PackageProblem {
  /** File name inside the package directory, e.g. "twin.json" or "model.onnx". */
  file: string;
  /** twin.json field path such as "features[1].max" or "onnx.input"; "" for the whole file. */
  field: string;
  message: string;
}

/** A package directory that cannot be served; lists every problem found, not just the first. */
export class ModelPackageError extends DomainError {
  constructor(
    readonly dir: string,
    readonly problems: PackageProblem[],
  ) {
    super({
      status: 422,
      code: 'invalid_package',
      message:
        `model package ${dir} is not usable:\n` +
        problems.map((p) => `  - ${p.file}${p.field ? ` ${p.field}` : ''}: ${p.message}`).join('\n'),
      publicMessage: 'The model package cannot be served',
      fields: problemsToFields(problems),
    });
    this.name = 'ModelPackageError';
  }
}

export type InputIssueCode = 'not_an_object' | 'missing' | 'unknown' | 'not_a_number' | 'not_finite' | 'out_of_range';

/** One bad field of one input. */
export interface InputIssue {
  /** Feature (or unknown key) name; "" when the input itself is not an object. */
  field: string;
  code: InputIssueCode;
  message: string;
  /** The valid range, for `out_of_range`. */
  min?: number;
  max?: number;
  /** Position in the batch, for batch calls. */
  index?: number;
}

/** Input that cannot be scored; `issues` lists every bad field (of every bad item, in batches). */
export class InputValidationError extends DomainError {
  constructor(readonly issues: InputIssue[]) {
    super({
      status: 400,
      code: 'validation_failed',
      message: `invalid model input: ${issues.map((i) => (i.index === undefined ? i.message : `[${i.index}] ${i.message}`)).join('; ')}`,
      publicMessage: 'The input is invalid',
      fields: issuesToFields(issues),
    });
    this.name = 'InputValidationError';
  }
}

/** The loader's problems as field errors: `twin.json features[1].max`, `model.onnx`. */
export function problemsToFields(problems: PackageProblem[]): FieldError[] {
  return problems.map((p) => ({ field: p.field ? `${p.file} ${p.field}` : p.file, message: p.message }));
}

/** Input issues as field errors: `temperature`, or `2.flow` for the third item of a batch. */
export function issuesToFields(issues: InputIssue[]): FieldError[] {
  return issues.map((i) => ({
    field: i.index === undefined ? i.field || '(body)' : `${i.index}.${i.field || '(item)'}`,
    message: i.message,
  }));
}
