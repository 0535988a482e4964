/**
 * Clustered mode (issue 16): a point read back from the database must equal the one streamed live,
 * including the inference time of the batch it was scored in. The telemetry table has no column
 * for it (and is not altered here: another change turns it into a partitioned table), so the
 * stream repository keeps it as one extra element of the `flags` array, `inference_ms:<number>`,
 * which every reader in lib/db strips again: callers only ever see the point's real flags.
 */

const INFERENCE_PREFIX = 'inference_ms:';

/** The flags as stored: the point's own, then its inference time when it has one. */
export function storedFlags(point: { flags: readonly string[]; inferenceMs: number | null }): string[] {
  // String(n) gives the shortest text that reads back as the same double.
  return point.inferenceMs === null
    ? [...point.flags]
    : [...point.flags, `${INFERENCE_PREFIX}${String(point.inferenceMs)}`];
}

/** A stored flags array split into the point's flags and its inference time (null: not stored). */
export function readStoredFlags(stored: readonly string[]): { flags: string[]; inferenceMs: number | null } {
  let inferenceMs: number | null = null;
  const flags: string[] = [];
  for (const f of stored) {
    if (!f.startsWith(INFERENCE_PREFIX)) flags.push(f);
    else {
      const n = Number(f.slice(INFERENCE_PREFIX.length));
      if (Number.isFinite(n)) inferenceMs = n;
    }
  }
  return { flags, inferenceMs };
}
