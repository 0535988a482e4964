/** The alarm engine's types, shared by the engine and the modules working through it. */
import type { AuditRepo } from '../db/audit-repo';
import type { AlertsRepo } from '../db/alerts-repo';
import type { SettingsRepo } from '../db/settings-repo';
import type { Logger } from '../log';
import type { RuleMemory } from './evaluate';
import type { AlertEvent, AlertRule } from './types';
import type { WebhookNotifier } from './webhook';

/** Where stored alert changes go to browsers (lib/realtime/alerts-hub.ts). */
export interface AlertBroadcaster {
  raised(alert: AlertEvent): void;
  updated(alert: AlertEvent): void;
}

export interface AlertServiceOptions {
  repo: AlertsRepo;
  audit: AuditRepo;
  broadcaster: AlertBroadcaster;
  notifier?: WebhookNotifier | null;
  /** Where the admin's maximum shelving time is kept (absent: the default, 8 h). */
  settings?: SettingsRepo;
  logger: Logger;
  /** Wall clock (shelving, acknowledgement times); tests may pin it. */
  now?: () => number;
  /** Least time between two pushes of one open alert's new peaks (default 1 s). */
  peakPushMs?: number;
}

/** Who asks, for the audit log. */
export interface Actor {
  username: string;
  address?: string | null;
}

/** One rule as the engine follows it. */
export interface Tracked {
  rule: AlertRule;
  memory: RuleMemory;
  /** The stored open alarm, any state but normal (set once its insert is done). */
  alert: AlertEvent | null;
  chain: Promise<void>;
  /** When the open alert was last sent to browsers (real time), and a deferred peak push. */
  pushedAt: number;
  peakTimer: ReturnType<typeof setTimeout> | null;
}
