import { describe, expect, it } from 'vitest';
import type { SparkplugMetric, SparkplugPayload } from './sparkplug-codec';
import { parseSparkplugTopic, SparkplugSessions, type SparkplugTopic } from './sparkplug-session';

const signals = () => ['temperature', 'pressure', 'flow'];
const m = (
  name: string | null,
  value: number | string | boolean | null,
  alias: number | null = null,
): SparkplugMetric => ({
  name,
  alias,
  value,
  timestamp: null,
  type: typeof value === 'number' ? 'Double' : 'String',
});
const payload = (
  seq: number | null,
  metrics: SparkplugMetric[],
  timestamp: number | null = 1_000,
): SparkplugPayload => ({
  seq,
  metrics,
  timestamp,
});
const topic = (type: SparkplugTopic['type'], device: string | null = null): SparkplugTopic => ({
  group: 'plant',
  type,
  edge: 'gw1',
  device,
});

/** Plans and applies, as the handler does after a successful commit. */
function run(s: SparkplugSessions, t: SparkplugTopic, p: SparkplugPayload) {
  const plan = s.plan(t, p);
  plan.apply();
  return plan;
}

function born() {
  const s = new SparkplugSessions(signals);
  run(s, topic('NBIRTH'), payload(0, [m('bdSeq', 3), m('Node Control/Rebirth', false)]));
  run(
    s,
    topic('DBIRTH', 'r-101'),
    payload(1, [m('Reactor/temperature', 350, 1), m('pressure', 6, 2), m('flow', 100, 3), m('Status', 'ok', 4)]),
  );
  return s;
}

describe('parseSparkplugTopic', () => {
  it('reads node and device topics and refuses anything else', () => {
    expect(parseSparkplugTopic('spBv1.0/plant/NBIRTH/gw1')).toEqual({
      group: 'plant',
      type: 'NBIRTH',
      edge: 'gw1',
      device: null,
    });
    expect(parseSparkplugTopic('spBv1.0/plant/DDATA/gw1/r-101')).toMatchObject({ type: 'DDATA', device: 'r-101' });
    for (const bad of [
      'spBv1.0/plant/DDATA/gw1',
      'spBv1.0/plant/NBIRTH/gw1/dev',
      'spBv1.0/plant/XDATA/gw1/dev',
      'spAv1.0/plant/DDATA/gw1/dev',
      'spBv1.0/plant/DDATA/gw1/dev/extra',
    ])
      expect(parseSparkplugTopic(bad), bad).toBeNull();
  });
});

describe('SparkplugSessions', () => {
  it('turns DDATA into full readings: aliases from the birth, unchanged values carried over', () => {
    const s = born();
    const plan = run(s, topic('DDATA', 'r-101'), payload(2, [m(null, 355, 1)], 2_000));
    expect(plan.readings).toEqual({
      device: 'r-101',
      points: [{ ts: 2_000, values: { temperature: 355, pressure: 6, flow: 100 } }],
    });
    const next = run(s, topic('DDATA', 'r-101'), payload(3, [m('flow', 90)], 3_000));
    expect(next.readings?.points[0]?.values).toEqual({ temperature: 355, pressure: 6, flow: 90 });
    // Only a non-signal metric changed: no reading.
    expect(run(s, topic('DDATA', 'r-101'), payload(4, [m('Status', 'manual', 4)])).readings).toBeUndefined();
  });

  it('makes one reading per sample time when a DDATA carries several samples (store and forward)', () => {
    const s = born();
    const at = (metric: SparkplugMetric, timestamp: number): SparkplugMetric => ({ ...metric, timestamp });
    const plan = run(
      s,
      topic('DDATA', 'r-101'),
      payload(2, [at(m(null, 352, 1), 1_200), at(m(null, 351, 1), 1_100), at(m('flow', 99), 1_100)], 1_300),
    );
    expect(plan.readings?.points).toEqual([
      { ts: 1_100, values: { temperature: 351, pressure: 6, flow: 99 } },
      { ts: 1_200, values: { temperature: 352, pressure: 6, flow: 99 } },
    ]);
  });

  it('asks for a rebirth instead of guessing: data before any birth, before the device birth, unknown alias', () => {
    const s = new SparkplugSessions(signals);
    expect(run(s, topic('DDATA', 'r-101'), payload(5, [m(null, 1, 1)])).rebirth?.reason).toBe('no_birth');
    run(s, topic('NBIRTH'), payload(0, [m('bdSeq', 0)]));
    const noDevice = run(s, topic('DDATA', 'r-101'), payload(1, [m('temperature', 350)]));
    expect(noDevice).toMatchObject({ rebirth: { reason: 'no_birth' }, refused: { reason: 'no_birth' } });
    expect(noDevice.readings).toBeUndefined();
    const b = born();
    expect(run(b, topic('DDATA', 'r-101'), payload(2, [m(null, 1, 99)])).rebirth?.reason).toBe('unknown_alias');
  });

  it('treats a sequence gap as a lost message: rebirth, devices offline, no reading until the new births', () => {
    const s = born();
    const gap = run(s, topic('DDATA', 'r-101'), payload(4, [m('temperature', 351)]));
    expect(gap).toMatchObject({ rebirth: { reason: 'seq_gap' }, offline: { devices: ['r-101'] } });
    expect(gap.readings).toBeUndefined();
    expect(run(s, topic('DDATA', 'r-101'), payload(5, [m('temperature', 351)])).rebirth?.reason).toBe('no_birth');
  });

  it('wraps the sequence at 255', () => {
    const s = new SparkplugSessions(signals);
    run(s, topic('NBIRTH'), payload(254, []));
    run(s, topic('DBIRTH', 'r-101'), payload(255, [m('temperature', 1), m('pressure', 2), m('flow', 3)]));
    expect(run(s, topic('DDATA', 'r-101'), payload(0, [m('flow', 4)])).readings?.points[0]?.values.flow).toBe(4);
  });

  it('leaves the state untouched until apply(): a message delivered again after a failed commit is not a gap', () => {
    const s = born();
    const first = s.plan(topic('DDATA', 'r-101'), payload(2, [m('temperature', 356)]));
    expect(first.readings).toBeDefined();
    // Commit failed: not applied. The broker sends it again.
    const again = run(s, topic('DDATA', 'r-101'), payload(2, [m('temperature', 356)]));
    expect(again.rebirth).toBeUndefined();
    expect(again.readings?.points[0]?.values.temperature).toBe(356);
  });

  it('marks devices offline on DDEATH and NDEATH; an NDEATH of an older session is ignored', () => {
    const s = born();
    expect(run(s, topic('DDEATH', 'r-101'), payload(2, [])).offline).toEqual({ devices: ['r-101'], reason: 'DDEATH' });
    const b = born();
    expect(run(b, topic('NDEATH'), payload(null, [m('bdSeq', 2)])).offline).toBeUndefined();
    expect(run(b, topic('NDEATH'), payload(null, [m('bdSeq', 3)])).offline).toEqual({
      devices: ['r-101'],
      reason: 'NDEATH',
    });
  });

  it('refuses a non-numeric signal value and a reading that lacks a signal', () => {
    const s = born();
    expect(run(s, topic('DDATA', 'r-101'), payload(2, [m('temperature', 'hot')])).refused?.reason).toBe('bad_field');
    const t = new SparkplugSessions(signals);
    run(t, topic('NBIRTH'), payload(0, []));
    run(t, topic('DBIRTH', 'r-102'), payload(1, [m('temperature', 1)]));
    expect(run(t, topic('DDATA', 'r-102'), payload(2, [m('pressure', 2)])).refused?.message).toContain('flow');
  });
});

describe('forgetting a device (its asset binding changed)', () => {
  it('lists the born devices; a forgotten one asks for its birth again while the node keeps its sequence', () => {
    const s = born();
    expect(s.devices()).toEqual([{ group: 'plant', edge: 'gw1', device: 'r-101' }]);
    s.forgetDevice('plant', 'gw1', 'r-101');
    expect(s.devices()).toEqual([]);
    const data = run(s, topic('DDATA', 'r-101'), payload(2, [m(null, 351, 1)]));
    expect(data.readings).toBeUndefined();
    expect(data.rebirth?.reason).toBe('no_birth');
    // No sequence gap: the node's numbering went on; the device's new birth is read afresh.
    run(s, topic('DBIRTH', 'r-101'), payload(3, [m('temperature', 340, 7), m('pressure', 5, 8), m('flow', 90, 9)]));
    const after = run(s, topic('DDATA', 'r-101'), payload(4, [m(null, 341, 7)]));
    expect(after.readings?.points).toEqual([{ ts: 1_000, values: { temperature: 341, pressure: 5, flow: 90 } }]);
  });
});
