/** Alert domain errors. Route handlers match them by `name` (they cross Next's bundle boundary). */
export class AlertNotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'AlertNotFoundError';
  }
}

/** The request is valid but the alert's or rule's state forbids it (e.g. acknowledging a cleared alert). */
export class AlertConflictError extends Error {
  constructor(
    readonly code: 'alert_cleared' | 'already_acknowledged' | 'severity_taken',
    message: string,
  ) {
    super(message);
    this.name = 'AlertConflictError';
  }
}

/** A rule change that is invalid once merged with the rule (e.g. low not below high). */
export class RuleValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'RuleValidationError';
  }
}
