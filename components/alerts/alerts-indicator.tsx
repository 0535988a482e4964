'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { UNACKED_STATES } from '@/lib/alerts/types';
import { alertSummary, RAW_LABELS } from './alert-text';
import { PRIORITY_TEXT, STATE_TEXT } from './alarm-state';
import { labelsOf, type AlertCatalog } from './labels';
import { useOpenAlerts } from './open-alerts-store';

/**
 * The header's badge: how many alarms wait for acknowledgement (active or already returned to
 * normal), coloured and worded by the most urgent of them.
 */
export function AlertsIndicator() {
  const open = useOpenAlerts();
  const unacked = open.filter((a) => UNACKED_STATES.includes(a.state));
  const level = unacked.some((a) => a.severity === 'critical')
    ? 'critical'
    : unacked.length
      ? 'warning'
      : open.length
        ? 'acknowledged'
        : 'none';
  return (
    <Link
      href="/alerts"
      className="alert-badge"
      data-level={level}
      data-testid="alert-count"
      aria-label={`${unacked.length} alarms not acknowledged, ${open.length} open`}
      title={`${unacked.length} not acknowledged, ${open.length} open`}
    >
      <span aria-hidden="true">{unacked.length ? '▲' : '●'}</span> {unacked.length}
    </Link>
  );
}

const SHOWN = 3;

/** Under the header while alarms wait for acknowledgement: how many, and the most urgent few (priority, then newest). */
export function AlertBanner({ catalog }: { catalog: AlertCatalog | null }) {
  const labels = useMemo(() => (catalog ? labelsOf(catalog) : RAW_LABELS), [catalog]);
  // The store is sorted by priority, then time.
  const active = useOpenAlerts().filter((a) => UNACKED_STATES.includes(a.state));
  const newest = active[0];
  if (!newest) return null;
  const critical = active.some((a) => a.severity === 'critical');
  return (
    <div
      className="alert-banner"
      data-level={critical ? 'critical' : 'warning'}
      data-testid="alert-banner"
      role="alert"
    >
      <strong>
        {active.length} unacknowledged alarm{active.length === 1 ? '' : 's'}
      </strong>
      <ul className="alert-banner-list">
        {active.slice(0, SHOWN).map((a) => (
          <li key={a.id} data-severity={a.severity} data-priority={a.priority} data-state={a.state}>
            <span aria-hidden="true">{STATE_TEXT[a.state].symbol}</span> {PRIORITY_TEXT[a.priority]} {a.severity}:{' '}
            {alertSummary(a, labels)}
            {a.state === 'rtn_unacked' ? ' (returned to normal)' : ''}
          </li>
        ))}
        {active.length > SHOWN ? <li className="muted">and {active.length - SHOWN} more</li> : null}
      </ul>
      <Link href="/alerts">View alerts</Link>
    </div>
  );
}
