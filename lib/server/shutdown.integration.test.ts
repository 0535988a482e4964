import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client';
import { telemetryRepo } from '../db/telemetry-repo';
import { startHarness, until } from '../../tests/console-harness';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-shutdown-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('graceful shutdown', () => {
  it('disconnects sockets, writes every pending point, closes the database and frees the data directory', async () => {
    const h = await startHarness({ SIM_RATE_HZ: '20' }, dataDir);
    const socket = h.client(await h.sessionCookie());
    await until(() => socket.connected, 5_000, 'connect');
    const twin = h.handle.services.twin!;
    await until(() => twin.pipeline.stream('reactor-1')!.lastSeq >= 30, 5_000, 'points');
    await h.handle.close();
    const lastSeqs = ['reactor-1', 'reactor-2', 'reactor-3'].map((id) => twin.pipeline.stream(id)!.lastSeq);
    await until(() => !socket.connected, 3_000, 'socket closed by the server');
    socket.disconnect();
    expect(existsSync(path.join(dataDir, 'twinops.lock'))).toBe(false);

    // Reopening works only because the console closed the embedded database; nothing was lost.
    const db = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
    const repo = telemetryRepo(db.db);
    for (const [i, id] of ['reactor-1', 'reactor-2', 'reactor-3'].entries()) {
      expect(await repo.count(id)).toBe(lastSeqs[i]! + 1);
    }
    await db.close();
  });
});
