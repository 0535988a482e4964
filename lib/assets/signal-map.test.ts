/**
 * How outside values become stored ones (issue 15): by name or tag, converted, extra signals
 * range-checked; the same mapping in Sparkplug B sessions.
 */
import { describe, expect, it } from 'vitest';
import type { SparkplugMetric } from '../ingest/sparkplug/sparkplug-codec';
import { SparkplugSessions, type SparkplugTopic } from '../ingest/sparkplug/sparkplug-session';
import { mapValues, signalMap } from './signal-map';
import type { AssetSignal } from './types';

const sig = (s: Partial<AssetSignal> & { name: string }): AssetSignal => ({
  label: s.name,
  unit: '',
  min: 0,
  max: 100,
  tag: null,
  scale: null,
  offset: null,
  feature: true,
  ...s,
});
const MAP = signalMap([
  sig({ name: 'temperature', min: 300, max: 400, tag: 'TI-1.PV', scale: 5 / 9, offset: -160 / 9 }),
  sig({ name: 'pressure', min: 1, max: 10 }),
  sig({ name: 'flow', min: 50, max: 150 }),
  sig({ name: 'level', feature: false, tag: 'LI-1.PV' }),
]);

describe('signal map', () => {
  it('maps tags to names, converts, keeps features unchecked (the model flags them) and checks extras', () => {
    const ok = mapValues({ 'TI-1.PV': 662, pressure: 60, flow: 100, 'LI-1.PV': 5 }, MAP);
    expect(ok.issues).toEqual([]);
    expect(ok.values.temperature).toBeCloseTo(350, 9);
    // A feature outside its range is stored (and flagged by the pipeline), not refused.
    expect(ok.values).toMatchObject({ pressure: 60, flow: 100, level: 5 });

    const bad = mapValues({ temperature: 350, 'TI-1.PV': 662, flow: 100, level: -1, x: 1 }, MAP);
    expect(bad.issues.map((i) => i.key)).toEqual(['pressure', 'TI-1.PV', 'level', 'x']);
    expect(bad.issues[1]!.message).toMatch(/given twice/);
    expect(bad.issues[2]!.message).toMatch(/-1 is outside level's valid range \[0, 100\]/);
  });

  it('Sparkplug metrics named by tag are converted; an extra signal out of range refuses the message', () => {
    const s = new SparkplugSessions(() => MAP);
    const t = (type: SparkplugTopic['type'], device: string | null = null): SparkplugTopic => ({
      group: 'g',
      type,
      edge: 'e',
      device,
    });
    const m = (name: string | null, value: number, alias: number | null = null): SparkplugMetric => ({
      name,
      alias,
      value,
      timestamp: null,
      type: 'Double',
    });
    const apply = (type: SparkplugTopic['type'], device: string | null, seq: number, metrics: SparkplugMetric[]) => {
      const plan = s.plan(t(type, device), { seq, metrics, timestamp: 1_000 });
      plan.apply();
      return plan;
    };
    apply('NBIRTH', null, 0, [m('bdSeq', 0)]);
    apply('DBIRTH', 'd1', 1, [
      m('TI-1.PV', 662, 1),
      m('Folder/pressure', 6, 2),
      m('flow', 100, 3),
      m('LI-1.PV', 40, 4),
    ]);
    const data = apply('DDATA', 'd1', 2, [m(null, 680, 1)]);
    expect(data.readings!.points).toHaveLength(1);
    expect(data.readings!.points[0]!.values.temperature).toBeCloseTo(360, 9);
    expect(data.readings!.points[0]!.values).toMatchObject({ pressure: 6, flow: 100, level: 40 });
    const out = apply('DDATA', 'd1', 3, [m(null, 140, 4)]);
    expect(out.readings).toBeUndefined();
    expect(out.refused).toMatchObject({ reason: 'bad_field' });
    expect(out.refused!.message).toMatch(/level: 140 is outside/);
  });
});
