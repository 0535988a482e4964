'use client';

import { useState } from 'react';
import { ALARM_PRIORITIES, type AlarmPriority, type AlertRule } from '@/lib/alerts/types';
import { apiCall } from '@/lib/client/api-client';
import { formatNumber } from '../dashboard/format';
import { PriorityLabel, PRIORITY_TEXT } from './alarm-state';

const SHELVE_CHOICES = [15, 60, 240, 480, 1440];
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

interface Draft {
  severity: 'warning' | 'critical';
  priority: AlarmPriority;
  low: string;
  high: string;
  deadband: string;
  minDurationS: string;
  enabled: boolean;
}

const draftOf = (r: AlertRule): Draft => ({
  severity: r.severity,
  priority: r.priority,
  low: r.low === null ? '' : String(r.low),
  high: r.high === null ? '' : String(r.high),
  deadband: String(r.deadband),
  minDurationS: String(r.minDurationMs / 1000),
  enabled: r.enabled,
});

type FieldErrors = Record<string, string>;

/** One rule: its settings as inputs (operators) or text (viewers), save, shelve / unshelve. */
export function RuleRow({
  rule,
  assetName,
  signal,
  canEdit,
  now,
  onSaved,
}: {
  rule: AlertRule;
  assetName: string;
  signal: { label: string; unit: string };
  canEdit: boolean;
  now: number;
  onSaved: (r: AlertRule) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(rule));
  const [shelveMinutes, setShelveMinutes] = useState(60);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string; fields?: FieldErrors } | null>(null);
  const [busy, setBusy] = useState(false);
  const name = `${assetName} ${signal.label} (${rule.severity})`;
  const shelved = rule.shelvedUntil !== null && rule.shelvedUntil > now;
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(rule));

  const run = async (what: string, url: string, method: string, body?: unknown) => {
    setBusy(true);
    const out = await apiCall<{ rule: AlertRule }>(url, { method, json: body });
    setBusy(false);
    if (out.ok) {
      onSaved(out.data.rule);
      setDraft(draftOf(out.data.rule));
      setStatus({ kind: 'ok', text: what });
    } else {
      setStatus({ kind: 'error', text: out.error.message, fields: out.error.fields });
    }
  };

  const num = (s: string) => (s.trim() === '' ? null : Number(s));
  const save = () =>
    run('Saved', `/api/v1/alert-rules/${rule.id}`, 'PUT', {
      severity: draft.severity,
      priority: draft.priority,
      low: num(draft.low),
      high: num(draft.high),
      deadband: Number(draft.deadband),
      minDurationMs: Math.round(Number(draft.minDurationS) * 1000),
      enabled: draft.enabled,
    });

  const unit = signal.unit ? ` ${signal.unit}` : '';
  const input = (key: 'low' | 'high' | 'deadband' | 'minDurationS', label: string) => (
    <input
      type="number"
      step="any"
      aria-label={`${label} of ${name}`}
      value={draft[key]}
      onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
      disabled={!canEdit || busy}
    />
  );
  const fieldError = (f: string) => (status?.fields?.[f] ? <div className="bad">{status.fields[f]}</div> : null);

  return (
    <tr data-rule-id={rule.id} data-asset={rule.assetId} data-signal={rule.signal}>
      <td>{assetName}</td>
      <td>
        {signal.label}
        {unit ? <span className="muted">{unit}</span> : null}
      </td>
      <td>
        {canEdit ? (
          <select
            aria-label={`Severity of ${name}`}
            value={draft.severity}
            onChange={(e) => setDraft({ ...draft, severity: e.target.value as Draft['severity'] })}
            disabled={busy}
          >
            <option value="warning">warning</option>
            <option value="critical">critical</option>
          </select>
        ) : (
          <span className="sev" data-severity={rule.severity}>
            {rule.severity}
          </span>
        )}
      </td>
      <td>
        {canEdit ? (
          <select
            aria-label={`Priority of ${name}`}
            value={draft.priority}
            onChange={(e) => setDraft({ ...draft, priority: e.target.value as AlarmPriority })}
            disabled={busy}
          >
            {[...ALARM_PRIORITIES].reverse().map((p) => (
              <option key={p} value={p}>
                {PRIORITY_TEXT[p]}
              </option>
            ))}
          </select>
        ) : (
          <PriorityLabel priority={rule.priority} />
        )}
      </td>
      <td>
        {canEdit ? input('low', 'Low') : rule.low === null ? '—' : formatNumber(rule.low)}
        {fieldError('low')}
      </td>
      <td>
        {canEdit ? input('high', 'High') : rule.high === null ? '—' : formatNumber(rule.high)}
        {fieldError('high')}
      </td>
      <td>
        {canEdit ? input('deadband', 'Deadband') : formatNumber(rule.deadband)}
        {fieldError('deadband')}
      </td>
      <td>
        {canEdit ? input('minDurationS', 'Minimum duration (s)') : `${rule.minDurationMs / 1000} s`}
        {fieldError('minDurationMs')}
      </td>
      <td>
        <input
          type="checkbox"
          aria-label={`Enabled: ${name}`}
          checked={draft.enabled}
          onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })}
          disabled={!canEdit || busy}
        />
      </td>
      <td data-testid="shelve-state">{shelved ? `until ${dateTime.format(rule.shelvedUntil!)}` : 'no'}</td>
      {canEdit ? (
        <td>
          <div className="ack-form">
            <button type="button" className="btn" onClick={() => void save()} disabled={busy || !dirty}>
              Save
            </button>
            {shelved ? (
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => void run('Unshelved', `/api/v1/alert-rules/${rule.id}/unshelve`, 'POST')}
                disabled={busy}
              >
                Unshelve
              </button>
            ) : (
              <>
                <select
                  aria-label={`Shelve ${name} for`}
                  value={shelveMinutes}
                  onChange={(e) => setShelveMinutes(Number(e.target.value))}
                  disabled={busy}
                >
                  {SHELVE_CHOICES.map((m) => (
                    <option key={m} value={m}>
                      {m < 60 ? `${m} min` : `${m / 60} h`}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="btn btn-ghost"
                  onClick={() =>
                    void run('Shelved', `/api/v1/alert-rules/${rule.id}/shelve`, 'POST', { minutes: shelveMinutes })
                  }
                  disabled={busy}
                >
                  Shelve
                </button>
              </>
            )}
          </div>
          {status ? (
            <div
              role={status.kind === 'error' ? 'alert' : 'status'}
              className={status.kind === 'error' ? 'bad' : 'muted'}
            >
              {status.text}
            </div>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}
