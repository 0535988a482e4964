/** Alert domain errors: each carries the HTTP answer it means (see lib/errors/domain-error.ts). */
import { DomainError } from '../errors/domain-error';

export class AlertNotFoundError extends DomainError {
  constructor(what: string) {
    super({ status: 404, code: 'not_found', message: `${what} not found` });
    this.name = 'AlertNotFoundError';
  }
}

export type AlertConflictCode =
  | 'alert_cleared'
  | 'already_acknowledged'
  | 'severity_taken'
  | 'alarm_shelved'
  | 'alarm_suppressed'
  | 'out_of_service'
  | 'not_shelved'
  | 'not_active'
  | 'already_out_of_service'
  | 'in_service';

/** The request is valid but the alert's or rule's state forbids it (e.g. acknowledging a cleared alert). */
export class AlertConflictError extends DomainError {
  declare readonly code: AlertConflictCode;
  constructor(code: AlertConflictCode, message: string) {
    super({ status: 409, code, message });
    this.name = 'AlertConflictError';
  }
}

/** A rule change that is invalid once merged with the rule (e.g. low not below high). */
export class RuleValidationError extends DomainError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super({
      status: 400,
      code: 'validation_failed',
      message,
      publicMessage: 'The rule is invalid',
      fields: [{ field, message }],
    });
    this.name = 'RuleValidationError';
  }
}

/** A shelving or out-of-service request that is invalid (a duration over the admin's maximum, no reason). */
export class ShelveValidationError extends DomainError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super({
      status: 400,
      code: 'validation_failed',
      message,
      publicMessage: 'The request is invalid',
      fields: [{ field, message }],
    });
    this.name = 'ShelveValidationError';
  }
}
