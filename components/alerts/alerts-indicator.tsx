'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { alertSummary, RAW_LABELS } from './alert-text';
import { labelsOf, type AlertCatalog } from './labels';
import { useOpenAlerts } from './open-alerts-store';

/** The header's badge: how many alerts are open, coloured by the worst unacknowledged one. */
export function AlertsIndicator() {
  const open = useOpenAlerts();
  const active = open.filter((a) => a.state === 'active');
  const level = active.some((a) => a.severity === 'critical')
    ? 'critical'
    : active.length
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
      aria-label={`${open.length} open alerts, ${active.length} not acknowledged`}
    >
      <span aria-hidden="true">●</span> {open.length}
    </Link>
  );
}

const SHOWN = 3;

/** Under the header while alerts wait for acknowledgement: how many, and the newest few. */
export function AlertBanner({ catalog }: { catalog: AlertCatalog | null }) {
  const labels = useMemo(() => (catalog ? labelsOf(catalog) : RAW_LABELS), [catalog]);
  const active = useOpenAlerts().filter((a) => a.state === 'active');
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
        {active.length} active alert{active.length === 1 ? '' : 's'}
      </strong>
      <ul className="alert-banner-list">
        {active.slice(0, SHOWN).map((a) => (
          <li key={a.id} data-severity={a.severity}>
            {a.severity}: {alertSummary(a, labels)}
          </li>
        ))}
        {active.length > SHOWN ? <li className="muted">and {active.length - SHOWN} more</li> : null}
      </ul>
      <Link href="/alerts">View alerts</Link>
    </div>
  );
}
