/**
 * The one error shape every API answers with: `{ error: { code, message, fields? } }`.
 * Domain errors are mapped to HTTP codes here and nowhere else; unknown errors become a 500
 * with a fixed message (details go to the log, never to the client).
 */
export interface FieldError {
  field: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
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
