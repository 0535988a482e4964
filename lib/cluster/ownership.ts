/**
 * One owner per asset (issue 16): a PostgreSQL session advisory lock per asset, held on one
 * dedicated connection per instance. When an instance dies its connection drops (at once for a
 * killed process; within the keepalive probes for a lost machine) and PostgreSQL frees its locks;
 * every instance polls and takes free assets. Assets spread evenly: an instance holds its share,
 * floor(assets / live instances) plus one for the first (assets mod live) instances by name (so at
 * most ceil), live instances being the sessions of this cluster in pg_stat_activity (their
 * application_name), and gives back what it holds beyond that (after two polls in a row, so a
 * restart does not make everyone shuffle). The same connection LISTENs for
 * the readings non-owners commit (NOTIFY, delivered at commit).
 *
 * Fencing: the lock is the lease; a connection lost is ownership lost (every asset is released at
 * once, before reconnecting). The stream's last seq (asset_streams.last_seq, raised only upwards
 * in each commit's transaction: lib/db/stream-repo.ts) is the last fence: two owners can never
 * store the same seq.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log';

export interface OwnershipHooks {
  /** Before the asset counts as owned: refill the stream from the database, take over pending rows. */
  acquire(assetId: string): Promise<void>;
  /** Before the lease is given back (or once it is lost): stop numbering, finish what is in flight. */
  release(assetId: string): Promise<void>;
  /** A non-owner committed readings of `assetId` (the owner scores and streams them). */
  pending(assetId: string): void;
  /** Every poll, after ownership was settled (the owner's periodic scan for pending rows). */
  tick?(): void;
}

export interface Ownership {
  readonly instanceId: string;
  owns(assetId: string): boolean;
  owned(): string[];
  /** Live instances of the cluster at the last poll. */
  liveInstances(): number;
  /** The NOTIFY channel of this cluster's pending readings. */
  readonly channel: string;
  start(hooks: OwnershipHooks): Promise<void>;
  /** The asset list changed (registry): settle ownership now instead of at the next poll. */
  refresh(): Promise<void>;
  /**
   * Another instance turned out to own the asset (the fence refused a commit: this instance's
   * lease connection was lost without a word, its locks freed and taken): owns() is false at
   * once; the release hook runs in the background.
   */
  stepDown(assetId: string): void;
  /** Gives every asset back (after its release hook) and disconnects. */
  close(): Promise<void>;
}

export interface PgOwnershipOptions {
  url: string;
  instanceId: string;
  /** Every asset of the cluster (the same list on every instance). */
  assetIds: () => readonly string[];
  logger: Logger;
  /** Default 1,500 ms: a dead owner's assets are taken within about one poll of its connection dropping. */
  pollMs?: number;
}

/** Server-side TCP keepalive on the lease connection: a lost machine's locks go within ~5 s. */
const KEEPALIVE_SQL = 'set tcp_keepalives_idle = 2; set tcp_keepalives_interval = 1; set tcp_keepalives_count = 3';
/**
 * A lease query unanswered for this long means the lease connection is gone as far as this
 * instance can tell (a network pause: PostgreSQL may have dropped it and freed the locks already):
 * every asset is given up and the next poll connects again. Generous, as a loaded machine is slow.
 */
const LEASE_QUERY_TIMEOUT_MS = 10_000;

/** The advisory-lock ownership of a cluster sharing one PostgreSQL database and schema. */
export function pgOwnership(opts: PgOwnershipOptions): Ownership {
  const log = opts.logger.child({ module: 'ownership', instance: opts.instanceId });
  const pollMs = opts.pollMs ?? 1_500;
  const held = new Set<string>();
  let client: pg.Client | null = null;
  let hooks: OwnershipHooks | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let live = 1;
  let overPolls = 0;
  let polling: Promise<void> | null = null;
  let again: Promise<void> | null = null;
  // Set at start from the connection's schema: the cluster is one database + schema.
  let namespace = '';
  let appName = '';
  const self = {
    instanceId: opts.instanceId,
    channel: '',
    owns: (assetId: string) => held.has(assetId),
    owned: () => [...held].sort(),
    liveInstances: () => live,
    start,
    refresh: () => (hooks ? poll() : Promise.resolve()),
    stepDown,
    close,
  } satisfies Ownership;

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({
      connectionString: opts.url,
      application_name: appName,
      keepAlive: true,
      keepAliveInitialDelayMillis: 2_000,
      connectionTimeoutMillis: 5_000,
      query_timeout: LEASE_QUERY_TIMEOUT_MS,
    });
    await c.connect();
    await c.query(KEEPALIVE_SQL);
    await c.query(`listen "${self.channel}"`);
    c.on('notification', (msg) => {
      if (msg.payload && held.has(msg.payload)) hooks?.pending(msg.payload);
    });
    c.on('error', (err) => void lost(c, err));
    c.on('end', () => void lost(c, new Error('connection ended')));
    return c;
  }

  /** The lease connection is gone: so is every lock it held. Stop owning at once. */
  async function lost(c: pg.Client, err: Error): Promise<void> {
    if (client !== c) return;
    client = null;
    if (closed) return;
    log.error({ err: err.message, owned: [...held] }, 'lease connection lost: releasing every asset');
    const assets = [...held];
    held.clear();
    for (const a of assets) await hooks!.release(a).catch((e: unknown) => log.error({ err: e }, 'release failed'));
  }

  async function start(h: OwnershipHooks): Promise<void> {
    hooks = h;
    const probe = new pg.Client({ connectionString: opts.url });
    await probe.connect();
    try {
      const { rows } = await probe.query<{ schema: string }>('select current_schema() as schema');
      const schema = rows[0]?.schema ?? 'public';
      namespace = `twinops/${schema}`;
      const tag = createHash('sha1').update(namespace).digest('hex').slice(0, 8);
      appName = `twinops/${tag}/${opts.instanceId}`.slice(0, 63);
      self.channel = `twinops_pending_${tag}`;
    } finally {
      await probe.end();
    }
    client = await connect();
    await poll();
    timer = setInterval(() => void poll(), pollMs);
    timer.unref();
  }

  function stepDown(assetId: string): void {
    if (!held.delete(assetId)) return;
    log.error({ assetId }, 'another instance owns this asset now (lease lost unnoticed): stepped down');
    // The lock went with the lost session; the stream finishes what is in flight.
    void hooks?.release(assetId).catch((err: unknown) => log.error({ err, assetId }, 'release failed'));
  }

  function poll(): Promise<void> {
    // A poll asked for while one runs (an asset created meanwhile) runs right after it.
    if (polling) {
      again ??= polling.then(() => {
        again = null;
        return poll();
      });
      return again;
    }
    polling ??= pollOnce()
      .catch(async (err: unknown) => {
        log.warn({ err }, 'ownership poll failed');
        const c = client;
        if (c && (err as Error).message === 'Query read timeout') {
          await lost(c, err as Error);
          void c.end().catch(() => undefined);
        }
      })
      .finally(() => {
        polling = null;
      });
    return polling;
  }

  async function pollOnce(): Promise<void> {
    if (closed) return;
    if (!client) {
      client = await connect();
      log.info('lease connection re-established');
    }
    const c = client;
    const prefix = appName.slice(0, appName.lastIndexOf('/') + 1);
    const { rows } = await c.query<{ name: string }>(
      `select distinct application_name as name from pg_stat_activity
       where datname = current_database() and starts_with(application_name, $1)`,
      [prefix],
    );
    const names = rows.map((r) => r.name).sort();
    live = Math.max(1, names.length);
    const assetIds = opts.assetIds();
    // A retired asset's lease goes back at once (its stream stopped; nobody else will take it).
    const known = new Set(assetIds);
    for (const assetId of [...held]) if (!known.has(assetId)) await giveBack(c, assetId);
    // Shares that add up to the assets: floor(assets / live) each, one more for the first
    // (assets mod live) instances by name, so every instance gets its part and none more than ceil.
    const rank = Math.max(0, names.indexOf(appName));
    const target = Math.floor(assetIds.length / live) + (rank < assetIds.length % live ? 1 : 0);
    if (held.size > target) {
      if (++overPolls >= 2) {
        // Give back the newest-taken last: release from the end of the sorted list.
        for (const assetId of [...held].sort().slice(target)) await giveBack(c, assetId);
        overPolls = 0;
      }
    } else overPolls = 0;
    if (held.size < target) {
      // Start at an offset of our own, so instances starting together try different assets first.
      const offset = parseInt(createHash('sha1').update(opts.instanceId).digest('hex').slice(0, 6), 16);
      const n = assetIds.length;
      for (let i = 0; i < n && held.size < target && !closed; i++) {
        const assetId = assetIds[(offset + i) % n]!;
        if (held.has(assetId)) continue;
        const got = await c.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [
          `${namespace}/${assetId}`,
        ]);
        if (!got.rows[0]?.ok) continue;
        try {
          await hooks!.acquire(assetId);
          held.add(assetId);
          log.info({ assetId, live, target }, 'asset taken');
        } catch (err) {
          log.error({ err, assetId }, 'taking the asset failed: lease given back');
          await unlock(c, assetId);
        }
      }
    }
    hooks?.tick?.();
  }

  async function unlock(c: pg.Client, assetId: string): Promise<void> {
    await c.query('select pg_advisory_unlock(hashtextextended($1, 0))', [`${namespace}/${assetId}`]);
  }

  async function giveBack(c: pg.Client, assetId: string): Promise<void> {
    held.delete(assetId);
    await hooks!.release(assetId).catch((err: unknown) => log.error({ err, assetId }, 'release failed'));
    await unlock(c, assetId);
    log.info({ assetId, live }, 'asset given back');
  }

  async function close(): Promise<void> {
    if (timer) clearInterval(timer);
    timer = null;
    await polling;
    closed = true;
    const c = client;
    if (c) for (const assetId of [...held]) await giveBack(c, assetId).catch(() => {});
    held.clear();
    client = null;
    await c?.end().catch(() => {});
  }

  return self;
}
