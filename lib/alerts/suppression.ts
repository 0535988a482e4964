/**
 * Suppressed by design (ISA-18.2): while an asset's source is stale or offline, the values its
 * process alarms would be judged on are not coming, so those alarms are neither raised nor shown;
 * the asset's one `source:stale` alarm ("no data") stands for them. Open process alarms that are
 * active or shelved go `suppressed` (hidden from the operator's list and the badge, listed by the
 * State filter "suppressed"), journaled `suppressed`; when data returns they go back to the state
 * they had (`unsuppressed`) and are evaluated again from the next point: one whose condition has
 * gone returns to normal then. A returned alarm still waiting for acknowledgement stays shown: it
 * records what real data showed before the source stopped.
 *
 * The condition is the `source:stale` rule's own (raised, not yet returned), so the rule's
 * settings decide: disabled, shelved or out of service, it suppresses nothing.
 */
import type { AlarmEngine, Tracked } from './alarm-engine';
import { SOURCE_STALE_SIGNAL } from './plant-signals';

const SUPPRESSIBLE = new Set(['active_unacked', 'active_acked', 'shelved']);

/** Whether `assetId`'s process alarms are suppressed now: its `source:stale` condition is active. */
export function sourceSendsNoData(engine: AlarmEngine, assetId: string): boolean {
  const stale = engine.byAsset.get(assetId)?.find((t) => t.rule.signal === SOURCE_STALE_SIGNAL);
  return !!stale && stale.rule.enabled && engine.inService(stale.rule) && stale.memory.open !== null;
}

/**
 * Brings `assetId`'s process alarms in line with its source: suppressed while it sends no data,
 * back otherwise. The engine stops evaluating them at once; the stored changes go on each rule's
 * chain (after any raise or clear already handed in). Idempotent.
 */
export function reconcileSuppression(engine: AlarmEngine, assetId: string, at: number): void {
  const suppress = sourceSendsNoData(engine, assetId);
  if (suppress) engine.suppressedAssets.add(assetId);
  else engine.suppressedAssets.delete(assetId);
  for (const t of engine.byAsset.get(assetId) ?? []) {
    if (t.rule.signal === SOURCE_STALE_SIGNAL) continue;
    if (suppress) {
      // A breach being timed is forgotten: its values stopped.
      t.memory = { pending: null, open: t.memory.open };
      engine.background(t, 'suppress', () => suppressOne(engine, t, at));
    } else engine.background(t, 'unsuppress', () => unsuppressOne(engine, t, at));
  }
}

/** Every asset the engine knows (the console's start: what was stored may predate a crash). */
export function reconcileAll(engine: AlarmEngine, at: number): void {
  for (const assetId of engine.byAsset.keys()) reconcileSuppression(engine, assetId, at);
}

async function suppressOne(engine: AlarmEngine, t: Tracked, at: number): Promise<void> {
  const a = t.alert;
  if (!a || !SUPPRESSIBLE.has(a.state)) return;
  const done = await engine.opts.repo.suppress(a.id, at, 'no data from the source');
  if (!done) return;
  engine.adopt(t, done);
  engine.publish('suppressed', done);
}

async function unsuppressOne(engine: AlarmEngine, t: Tracked, at: number): Promise<void> {
  const a = t.alert;
  if (a?.state !== 'suppressed') return;
  const done = await engine.opts.repo.unsuppress(a.id, at);
  if (!done) return;
  // The engine kept the condition's memory meanwhile, so the next point judges it afresh: still
  // breaching stays, back inside returns to normal.
  engine.adopt(t, done);
  engine.publish('unsuppressed', done);
}
