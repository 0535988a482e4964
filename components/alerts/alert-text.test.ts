import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '@/lib/alerts/types';
import type { StreamCatalog } from '@/lib/twin/types';
import { alertSummary } from './alert-text';
import { alertCatalog, labelsOf } from './labels';

const alert = (assetId: string, signal: string, limit: number, value: number): AlertEvent => ({
  id: 1,
  ruleId: 'r',
  assetId,
  signal,
  severity: 'warning',
  priority: 'high',
  direction: 'high',
  limit,
  value,
  peak: value,
  state: 'active_unacked',
  raisedAt: 0,
  acknowledgedAt: null,
  acknowledgedBy: null,
  ackComment: null,
  returnedAt: null,
  clearedAt: null,
  shelf: null,
});

const catalog: StreamCatalog = {
  assets: [{ id: 'reactor-1', name: 'Reactor 1', setpoints: {} }],
  signals: [{ name: 'temperature', label: 'Temperature', unit: '°C', min: 300, max: 400 }],
  target: { name: 'yield', label: 'Yield', unit: '%' },
  model: null,
  rateHz: 2,
  bufferSeconds: 3600,
};

describe('alert labels', () => {
  it('reads a drift alert as the plant’s feature drift (PSI, no unit), with or without the catalog', () => {
    const drift = alert('plant', 'drift:temperature', 0.25, 0.412);
    expect(alertSummary(drift, labelsOf(alertCatalog(catalog)))).toMatch(
      /^Plant · Temperature drift \(PSI\) above 0[.,]250 \(0[.,]412\)$/,
    );
    // The header banner has no catalog.
    expect(alertSummary(drift)).toMatch(/^Plant · Temperature drift \(PSI\) above/);
    // A feature the serving model no longer takes.
    expect(labelsOf(alertCatalog(catalog)).signal('drift:humidity')).toEqual({
      label: 'Humidity drift (PSI)',
      unit: '',
    });
  });

  it('offers the plant in the asset filters after the reactors, and leaves reactor alerts as they were', () => {
    const c = alertCatalog(catalog);
    expect(c.assets).toEqual([
      { id: 'reactor-1', name: 'Reactor 1' },
      { id: 'plant', name: 'Plant' },
    ]);
    expect(alertSummary(alert('reactor-1', 'temperature', 400, 412.3), labelsOf(c))).toMatch(
      /^Reactor 1 · Temperature above 400[.,]0 °C \(412[.,]3 °C\)$/,
    );
    expect(alertSummary(alert('reactor-1', 'temperature', 400, 412.3))).toMatch(/^reactor-1 · temperature above/);
  });

  it('reads a stale-data alert as seconds without data, with or without the catalog', () => {
    const stale = alert('reactor-1', 'source:stale', 2.5, 7.25);
    expect(alertSummary(stale, labelsOf(alertCatalog(catalog)))).toMatch(
      /^Reactor 1 · Seconds without data above 2[.,]50 s \(7[.,]25 s\)$/,
    );
    expect(alertSummary(stale)).toMatch(/^reactor-1 · Seconds without data above 2[.,]50 s/);
  });
});
