/**
 * Instance identity and the clustered switch (issue 16). Clustered mode needs both a shared
 * database (the truth: telemetry, seqs, leases) and Redis (broadcast between instances); with
 * either missing the console is the single embedded instance that owns every asset.
 */
import os from 'node:os';
import type { Config } from '../config/env';

/** True when this console is one of several instances (REDIS_URL and DATABASE_URL both set). */
export function isClustered(config: Pick<Config, 'REDIS_URL' | 'DATABASE_URL'>): boolean {
  return Boolean(config.REDIS_URL && config.DATABASE_URL);
}

/** This instance's name: INSTANCE_ID, else `<hostname>-<pid>` (unique per process on a machine). */
export function instanceId(config: Pick<Config, 'INSTANCE_ID'>): string {
  return config.INSTANCE_ID ?? `${os.hostname()}-${process.pid}`.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
}
