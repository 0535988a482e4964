/**
 * The alarm vocabulary (ISA-18.2): priorities, states and journal events. One list each, read by
 * the database schema (check constraints), the API's zod schemas and the browser alike; this file
 * imports nothing, so any of them may use it.
 */
/** A rule's severity: a critical rule's alarms get the critical banner colour and priority high by default. */
export const ALERT_SEVERITIES = ['warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALARM_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type AlarmPriority = (typeof ALARM_PRIORITIES)[number];

/**
 * ISA-18.2 alarm states. `normal` is a closed alarm (returned and acknowledged); every other state
 * is "open" for the one-open-alarm-per-rule index: an alarm that returned to normal before anyone
 * acknowledged it (`rtn_unacked`) is still the rule's alarm, and a re-occurrence reactivates it.
 */
export const ALERT_STATES = [
  'active_unacked',
  'active_acked',
  'rtn_unacked',
  'shelved',
  'out_of_service',
  'suppressed',
  'normal',
] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const JOURNAL_EVENTS = [
  'raised',
  'acknowledged',
  'returned',
  'cleared',
  'shelved',
  'unshelved',
  'shelf_expired',
  'out_of_service',
  'returned_to_service',
  'suppressed',
  'unsuppressed',
] as const;
export type JournalEvent = (typeof JOURNAL_EVENTS)[number];
