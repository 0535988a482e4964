/**
 * The durability guarantee of ingest, tested the way it fails in a plant: the console (its own
 * process, real startConsole, ingest over HTTP through the machine fast path) is `kill -9`ed while
 * concurrent clients post batches of readings; it is restarted on the same data, and every
 * reading that was answered 201 must be in the database. The batches that were in flight when it
 * died are then sent again (an at-least-once sender's retry), with one acknowledged batch: every
 * reading ever sent ends up stored exactly once, and the answers say which were duplicates.
 * Runs on the embedded PGlite data directory and on the machine's PostgreSQL (a database of its
 * own, dropped afterwards).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CRASH_ASSETS as ASSETS, exited, key, startChild, targetFor } from '../../tests/ingest-crash-helpers';

const WORKERS = 8;
/** How long the clients stream before the kill. */
const STREAM_MS = 4_000;

interface Batch {
  assetId: string;
  readings: { ts: number; values: Record<string, number> }[];
}

function post(port: number, apiKey: string, batch: Batch) {
  return fetch(`http://127.0.0.1:${port}/api/v1/assets/${batch.assetId}/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(batch.readings),
  });
}

/**
 * WORKERS clients posting batches (1..40 readings, unique (asset, ts) each) back to back until
 * `stop()`; each resolved 201 is recorded as acknowledged, everything else as in flight.
 */
function streamReadings(port: number, apiKey: string) {
  let counter = 0;
  let stopped = false;
  const acked: Batch[] = [];
  const unacked: Batch[] = [];
  const base = Date.now() - 60_000;
  const nextBatch = (worker: number, size = 1 + ((counter * 7) % 40)): Batch => {
    const assetId = ASSETS[worker % ASSETS.length]!;
    const readings = Array.from({ length: size }, () => {
      const n = counter++;
      return { ts: base + n, values: { temperature: 340 + (n % 30), pressure: 6, flow: 100 } };
    });
    return { assetId, readings };
  };
  const send = async (batch: Batch) => {
    try {
      const res = await post(port, apiKey, batch);
      if (res.status === 201) {
        const body = (await res.json()) as { accepted: number };
        if (body.accepted !== batch.readings.length) throw new Error(`partial accept ${JSON.stringify(body)}`);
        acked.push(batch);
      } else unacked.push(batch);
    } catch {
      // The console died under this request: not acknowledged, the sender will retry it.
      unacked.push(batch);
    }
  };
  const worker = async (w: number) => {
    while (!stopped) await send(nextBatch(w));
  };
  const running = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  return {
    acked,
    unacked,
    stop: async () => {
      stopped = true;
      await running;
    },
    /**
     * One batch of `size` readings, sent now: a large one keeps the console busy (parse, score,
     * commit) long enough for a kill to land while it is in flight, however fast the small ones
     * are answered.
     */
    sendLarge: (size: number) => send(nextBatch(0, size)),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe.each(['pglite', 'postgres'] as const)('kill -9 during ingest (%s)', (name) => {
  it('keeps every acknowledged reading; a retried batch stores no duplicate', { timeout: 90_000 }, async () => {
    const target = await targetFor(name);
    cleanups.push(() => target.cleanup());
    const first = await startChild(target.env);
    cleanups.push(async () => {
      first.proc.kill('SIGKILL');
      await exited(first.proc);
    });
    const apiKey = first.key!;
    expect(apiKey).toMatch(/^tok_/);

    const stream = streamReadings(first.port, apiKey);
    await new Promise((r) => setTimeout(r, STREAM_MS));
    // The senders send nothing new once the kill is decided: what is not acknowledged was in flight.
    // A fast console may have answered every small batch when the kill lands: a large one is sent
    // last, so a request is surely in flight (measured to take tens of ms to store).
    const stopping = stream.stop();
    const large = stream.sendLarge(3_000);
    await new Promise((r) => setImmediate(r));
    first.proc.kill('SIGKILL');
    await exited(first.proc);
    await stopping;
    await large;

    const ackedReadings = stream.acked.flatMap((b) => b.readings.map((r) => key(b.assetId, r.ts)));
    const inFlight = stream.unacked.flatMap((b) => b.readings.map((r) => key(b.assetId, r.ts)));
    expect(stream.acked.length).toBeGreaterThan(50);
    expect(stream.unacked.length).toBeGreaterThan(0);

    // Restarted on the same data: it opens (recovers) the database the kill left behind.
    const second = await startChild(target.env);
    cleanups.push(async () => {
      second.proc.kill('SIGKILL');
      await exited(second.proc);
    });
    if (name === 'postgres') {
      const stored = new Set(await target.rows());
      expect(ackedReadings.filter((k) => !stored.has(k))).toEqual([]);
    }

    // The sender retries what was in flight, and (at-least-once) one batch that was acknowledged.
    const retried = [...stream.unacked, stream.acked[stream.acked.length - 1]!];
    let retryNew = 0;
    let retryDuplicates = 0;
    for (const batch of retried) {
      const res = await post(second.port, apiKey, batch);
      expect(res.status).toBe(201);
      const body = (await res.json()) as { accepted: number; duplicates: number };
      expect(body.accepted + body.duplicates).toBe(batch.readings.length);
      retryNew += body.accepted;
      retryDuplicates += body.duplicates;
    }
    const lastAcked = stream.acked[stream.acked.length - 1]!.readings.length;
    expect(retryDuplicates).toBeGreaterThanOrEqual(lastAcked);

    second.proc.kill('SIGTERM');
    await exited(second.proc);
    const rows = await target.rows();
    const stored = new Set(rows);
    const everSent = new Set([...ackedReadings, ...inFlight]);
    const lost = ackedReadings.filter((k) => !stored.has(k));
    console.log(
      `crash test (${name}): sent ${everSent.size} readings in ${stream.acked.length + stream.unacked.length} batches, ` +
        `acknowledged ${ackedReadings.length} (${stream.acked.length} batches), in flight at the kill ${inFlight.length}; ` +
        `found ${rows.length - retryNew} after restart, lost ${lost.length}; retry stored ${retryNew} new, ${retryDuplicates} duplicates`,
    );
    expect(lost).toEqual([]);
    // Every reading ever sent is stored exactly once: no duplicate rows, nothing unknown.
    expect(rows.length).toBe(stored.size);
    expect(rows.length).toBe(everSent.size);
    expect([...stored].every((k) => everSent.has(k))).toBe(true);
  });
});
