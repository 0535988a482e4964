/**
 * Alert notifications to an HTTP endpoint (ALERT_WEBHOOK_URL): one JSON POST per alarm transition
 * (raised, acknowledged, returned, cleared, shelved, ...). Deliveries never hold up the pipeline: `notify` only appends to a bounded in-memory queue
 * that one background worker drains in order. Each delivery is tried up to `maxAttempts` times
 * with exponential backoff; a 2xx is success, anything else (status, timeout, refused connection)
 * a failed attempt. Failures are logged and counted; when the queue is full the oldest waiting
 * notification is dropped (and counted), since the newest says most about the plant now.
 */
import type { Logger } from '../log';
import type { AlertEvent, JournalEvent } from './types';
import { recordWebhook } from './metrics';

/** One per alarm transition, named as the journal names it (the alarm carries `state` and `priority`). */
export type WebhookEvent = `alert.${JournalEvent}`;

export interface WebhookPayload {
  event: WebhookEvent;
  alert: AlertEvent;
  sentAt: string;
}

export interface WebhookOptions {
  url: string;
  timeoutMs: number;
  logger: Logger;
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, capped at `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxQueue?: number;
}

export interface WebhookStats {
  delivered: number;
  failed: number;
  dropped: number;
  attempts: number;
}

export class WebhookNotifier {
  private readonly queue: WebhookPayload[] = [];
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly log: Logger;
  readonly stats: WebhookStats = { delivered: 0, failed: 0, dropped: 0, attempts: 0 };

  constructor(private readonly opts: WebhookOptions) {
    this.log = opts.logger.child({ module: 'alert-webhook' });
  }

  /** Queues a notification and returns at once. */
  notify(event: WebhookEvent, alert: AlertEvent): void {
    if (this.closed) return;
    if (this.queue.length >= (this.opts.maxQueue ?? 1_000)) {
      const dropped = this.queue.shift();
      this.stats.dropped++;
      recordWebhook('dropped');
      this.log.warn(
        { event: dropped?.event, alertId: dropped?.alert.id },
        'alert webhook queue full: dropped the oldest notification',
      );
    }
    this.queue.push({ event, alert, sentAt: new Date().toISOString() });
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when everything queued so far was delivered or given up on. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops: waits up to `graceMs` for the queue to drain, then abandons what is left. */
  async close(graceMs = 2_000): Promise<void> {
    this.closed = true;
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([this.idle(), grace]);
    this.abort.abort();
    this.queue.length = 0;
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      await this.deliver(next);
    }
  }

  private async deliver(payload: WebhookPayload): Promise<void> {
    const max = this.opts.maxAttempts ?? 5;
    const base = this.opts.baseDelayMs ?? 1_000;
    let problem = '';
    for (let attempt = 1; attempt <= max; attempt++) {
      if (this.abort.signal.aborted) break;
      this.stats.attempts++;
      try {
        const res = await fetch(this.opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'twinops-alerts' },
          body: JSON.stringify(payload),
          signal: AbortSignal.any([AbortSignal.timeout(this.opts.timeoutMs), this.abort.signal]),
        });
        await res.body?.cancel().catch(() => {});
        if (res.ok) {
          this.stats.delivered++;
          recordWebhook('delivered');
          return;
        }
        problem = `HTTP ${res.status}`;
      } catch (err) {
        problem =
          (err as Error).name === 'TimeoutError'
            ? `no answer within ${this.opts.timeoutMs} ms`
            : ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
      }
      recordWebhook('attempt_failed');
      if (attempt < max) {
        const delay = Math.min(base * 2 ** (attempt - 1), this.opts.maxDelayMs ?? 30_000);
        this.log.info(
          { event: payload.event, alertId: payload.alert.id, attempt, problem, retryInMs: delay },
          'alert webhook attempt failed; retrying',
        );
        await sleep(delay, this.abort.signal);
      }
    }
    this.stats.failed++;
    recordWebhook('failed');
    this.log.warn(
      { event: payload.event, alertId: payload.alert.id, attempts: max, problem },
      'alert webhook delivery failed; giving up',
    );
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
