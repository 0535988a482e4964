/**
 * Wires the source monitor into the console process: points are its signs of life (start-console
 * calls `observe` from the pipeline's onPoint), status changes go to every browser
 * (`asset:status`; a dashboard asks for all of them with `asset:statuses` when it mounts and after
 * each reconnect, since events sent meanwhile are lost), ages go to the alert engine.
 */
import type { Config } from '../config/env';
import type { AlertService } from '../alerts/alert-service';
import { feedSourceAge } from '../alerts/source-alerts';
import type { RealtimeServer } from '../realtime/server';
import type { SocketGuard } from '../realtime/socket-guard';
import type { Logger } from '../log';
import { SourceMonitor } from './source-monitor';

/** Every asset is expected at the configured rate (the asset registry will give each its own). */
export function expectedIntervalMs(config: Pick<Config, 'SIM_RATE_HZ'>): number {
  return 1000 / config.SIM_RATE_HZ;
}

/** The stale limit in seconds (the default `source:stale` rule's high). */
export function staleLimitSeconds(config: Pick<Config, 'SIM_RATE_HZ' | 'STALE_AFTER_INTERVALS'>): number {
  return (config.STALE_AFTER_INTERVALS * expectedIntervalMs(config)) / 1000;
}

export function startSourceMonitor(deps: {
  config: Config;
  assetIds: readonly string[];
  io: RealtimeServer;
  alerts: Pick<AlertService, 'onSignal'>;
  /** Newest stored reading per asset (the telemetry repository), so a source dead across a restart is seen. */
  latestTs?: (assetIds: readonly string[]) => Promise<Map<string, number>>;
  logger?: Logger;
  /** The socket guard's strike, for a malformed request. */
  strike?: SocketGuard['strike'];
  now?: () => number;
  /** Clustered mode: whether this instance owns the asset (only owners judge their sources). */
  owns?: (assetId: string) => boolean;
}): SourceMonitor {
  const interval = expectedIntervalMs(deps.config);
  const monitor = new SourceMonitor({
    assetIds: deps.assetIds,
    intervalMs: () => interval,
    staleAfterIntervals: deps.config.STALE_AFTER_INTERVALS,
    now: deps.now,
    onStatus: (status) => {
      deps.io.emit('asset:status', status);
      // Clustered: the other instances keep the owner's verdict for their `asset:statuses`.
      if (deps.owns) deps.io.serverSideEmit('source:status', status);
    },
    onAge: (assetId, age, at) => feedSourceAge(deps.alerts, assetId, age, at),
    ...(deps.owns ? { owns: deps.owns } : {}),
  });
  if (deps.owns) deps.io.on('source:status', (status) => monitor.adopt(status));
  deps.io.on('connection', (socket) => {
    socket.on('asset:statuses', (ack: unknown) => {
      if (typeof ack === 'function') (ack as (statuses: unknown) => void)(monitor.all());
      else deps.strike?.(socket, 'asset:statuses without an acknowledgement');
    });
  });
  // Judged a few times per stale limit, at most once every 250 ms.
  monitor.start(Math.max(250, Math.min(1_000, interval)));
  // Not awaited: start-up does not wait for it; a reading arriving first simply wins.
  deps
    .latestTs?.(deps.assetIds)
    .then((latest) => {
      for (const [assetId, ts] of latest) monitor.seed(assetId, ts);
    })
    .catch((err: unknown) => deps.logger?.warn({ err }, 'could not read the newest stored readings'));
  return monitor;
}
