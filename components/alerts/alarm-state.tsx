/**
 * How alarm states and priorities read: a symbol of its own shape and a word for each, so no
 * state or priority is told apart by colour alone (ISA-18.2 / EEMUA 191 HMI guidance).
 */
import type { AlarmPriority, AlertState } from '@/lib/alerts/types';

export const STATE_TEXT: Record<AlertState, { symbol: string; label: string }> = {
  active_unacked: { symbol: '▲', label: 'Active, unacknowledged' },
  active_acked: { symbol: '■', label: 'Active, acknowledged' },
  rtn_unacked: { symbol: '◇', label: 'Returned to normal, unacknowledged' },
  shelved: { symbol: '⏸', label: 'Shelved' },
  out_of_service: { symbol: '⊘', label: 'Out of service' },
  suppressed: { symbol: '◌', label: 'Suppressed (source sends no data)' },
  normal: { symbol: '✓', label: 'Closed (returned and acknowledged)' },
};

export const PRIORITY_TEXT: Record<AlarmPriority, string> = {
  urgent: 'P1 urgent',
  high: 'P2 high',
  medium: 'P3 medium',
  low: 'P4 low',
};

export function StateLabel({ state }: { state: AlertState }) {
  const t = STATE_TEXT[state];
  return (
    <span className="state" data-state={state}>
      <span aria-hidden="true">{t.symbol}</span> {t.label}
    </span>
  );
}

export function PriorityLabel({ priority }: { priority: AlarmPriority }) {
  return (
    <span className="prio" data-priority={priority}>
      {PRIORITY_TEXT[priority]}
    </span>
  );
}
