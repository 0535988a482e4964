/**
 * The one error shape every API answers with: `{ error: { code, message, fields? } }`.
 * Refusals are `DomainError`s (lib/errors/domain-error.ts), turned into answers in the one
 * `errorResponse` of lib/api/route.ts; unknown errors become a 500 with a fixed message
 * (details go to the log, never to the client).
 */
import { DomainError, type FieldError } from '../errors/domain-error';

export type { FieldError };

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[] };
}

/** A domain error raised by the API layer itself (parsing, auth, limits): positional shorthand. */
export class ApiError extends DomainError {
  constructor(status: number, code: string, message: string, fields?: FieldError[], headers?: Record<string, string>) {
    super({ status, code, message, fields, headers });
    this.name = 'ApiError';
  }
}

export function errorBody(code: string, message: string, fields?: FieldError[]): ErrorBody {
  return { error: fields?.length ? { code, message, fields } : { code, message } };
}

export function jsonError(
  status: number,
  code: string,
  message: string,
  fields?: FieldError[],
  headers?: Record<string, string>,
): Response {
  return Response.json(errorBody(code, message, fields), { status, headers });
}

export const unauthorized = () => jsonError(401, 'unauthorized', 'Sign in or send a valid bearer token');
export const forbidden = (needed: string) => jsonError(403, 'forbidden', `This needs the ${needed} role`);
