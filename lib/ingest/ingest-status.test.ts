import { describe, expect, it } from 'vitest';
import { mergeIngestReports, type IngestStatusReport } from './ingest-status';

const mqtt = (clientId: string): IngestStatusReport['mqtt'] => ({
  enabled: true,
  clientId,
  connected: true,
  lastConnectedAt: null,
  lastError: null,
  reconnects: 0,
  subscriptions: [],
});
const refusal = (at: string, assetId: string, reason = 'bad_field') => ({
  at,
  source: 'mqtt' as const,
  reason,
  message: reason,
  assetId,
});

describe('the cluster-wide ingest status', () => {
  const own: IngestStatusReport = {
    mqtt: mqtt('a'),
    assets: [
      {
        assetId: 'r-1',
        lastAccepted: { at: '2026-12-07T10:00:05.000Z', source: 'http' },
        lastError: refusal('2026-12-07T10:00:01.000Z', 'r-1'),
        rejected: 2,
        sparkplug: null,
      },
    ],
    recentRejections: [refusal('2026-12-07T10:00:01.000Z', 'r-1'), refusal('2026-12-07T09:00:00.000Z', 'x')],
  };
  const peer: IngestStatusReport = {
    mqtt: mqtt('b'),
    assets: [
      {
        assetId: 'r-1',
        lastAccepted: { at: '2026-12-07T10:00:03.000Z', source: 'mqtt' },
        lastError: refusal('2026-12-07T10:00:04.000Z', 'r-1', 'future_ts'),
        rejected: 3,
        sparkplug: { group: 'g', edge: 'e', device: 'd', online: false, since: '2026-12-07T10:00:02.000Z' },
      },
      { assetId: 'r-0', lastAccepted: null, lastError: null, rejected: 0, sparkplug: null },
    ],
    recentRejections: [refusal('2026-12-07T10:00:04.000Z', 'r-1', 'future_ts')],
  };

  it('keeps the newest accepted and refused message per asset, adds up the refusals, keeps this instance’s connection', () => {
    const merged = mergeIngestReports(own, [peer]);
    expect(merged.mqtt.clientId).toBe('a');
    expect(merged.assets.map((a) => a.assetId)).toEqual(['r-0', 'r-1']);
    expect(merged.assets[1]).toMatchObject({
      lastAccepted: { source: 'http', at: '2026-12-07T10:00:05.000Z' },
      lastError: { reason: 'future_ts' },
      rejected: 5,
      sparkplug: { online: false },
    });
    expect(merged.recentRejections.map((r) => r.at)).toEqual([
      '2026-12-07T10:00:04.000Z',
      '2026-12-07T10:00:01.000Z',
      '2026-12-07T09:00:00.000Z',
    ]);
    // The instance's own report is left as it was.
    expect(own.assets[0]!.rejected).toBe(2);
  });

  it('is the instance’s own report when it has no peers', () => {
    expect(mergeIngestReports(own, [])).toBe(own);
  });
});
