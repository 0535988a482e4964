import type { ApiFailure } from '@/lib/client/api-client';

/**
 * A section's or form's one-line message: a notice (role=status, read out when idle) or an error
 * (role=alert, read out at once). Renders nothing when there is nothing to say.
 */
export function Message({ kind, text }: { kind: 'notice' | 'error'; text: string | null | undefined }) {
  if (!text) return null;
  return (
    <p className={kind} role={kind === 'error' ? 'alert' : 'status'}>
      {text}
    </p>
  );
}

/** A form's refusal as one message, unless the API named fields (each shows next to its input). */
export function formError(error: ApiFailure | null): string | null {
  return error && !Object.keys(error.fields).length ? error.message : null;
}
