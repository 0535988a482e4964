/**
 * zod schemas for every client -> server socket event payload: the one place that says what a
 * browser may send. The socket guard refuses event names not listed here; handlers parse their
 * payload with these and answer a bad one with an error acknowledgement naming the field.
 */
import { z } from 'zod';
import type { ClientToServerEvents } from './protocol';

const assetId = z
  .string({ error: 'assetId must be a non-empty string' })
  .min(1, 'assetId must be a non-empty string')
  .max(100, 'assetId must be at most 100 characters');
const finite = (field: string) => z.number({ error: `${field} must be a finite number` });

export const subscribeRequestSchema = z.object(
  {
    assetId,
    sinceSeq: finite('sinceSeq').optional(),
    epoch: z.string({ error: 'epoch must be a string' }).max(100, 'epoch must be a string').optional(),
    sinceTs: finite('sinceTs').optional(),
    // Larger values are clamped to the server's cap (the hub), not refused: old clients ask 20,000.
    maxPoints: finite('maxPoints').optional(),
  },
  { error: 'subscribe needs {assetId}' },
);

export const unsubscribeRequestSchema = z.object({ assetId }, { error: 'unsubscribe needs {assetId}' });

/** Every event a client may send; anything else is refused by the guard (see socket-guard.ts). */
export const CLIENT_EVENTS = [
  'session:ping',
  'stream:subscribe',
  'stream:unsubscribe',
  'asset:statuses',
] as const satisfies readonly (keyof ClientToServerEvents)[];

// Fails to compile when protocol.ts gains an event that is not listed above.
type Missing = Exclude<keyof ClientToServerEvents, (typeof CLIENT_EVENTS)[number]>;
const allListed: Missing extends never ? true : false = true;
void allListed;

const known = new Set<string>(CLIENT_EVENTS);
export const isClientEvent = (name: unknown): name is (typeof CLIENT_EVENTS)[number] =>
  typeof name === 'string' && known.has(name);

/** The payload parsed, or the first problem as a message a client can show (names the field). */
export function parsePayload<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { ok: true; data: T } | { ok: false; error: string } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, data: r.data };
  const issue = r.error.issues[0];
  return { ok: false, error: issue?.message ?? 'invalid payload' };
}
