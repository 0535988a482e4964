/**
 * Clustered mode (issue 16): what another instance stored, applied to this instance's engine
 * (the database is the truth), and the alarms of an asset this instance just took over.
 */
import { EMPTY_MEMORY } from './evaluate';
import { memoryOf, type AlarmEngine } from './alarm-engine';
import { reconcileSuppression } from './suppression';

/** A stored rule change: one rule edited or shelved, or what is out of service. */
export type RulesChange = { ruleId: string } | { service: true };

/** The asset's alarms may have been raised or changed by the previous owner: continue from the stored ones. */
export async function reloadAsset(engine: AlarmEngine, assetId: string): Promise<void> {
  const open = (await engine.opts.repo.listOpen()).filter((a) => a.assetId === assetId);
  for (const t of engine.byAsset.get(assetId) ?? []) {
    const a = open.find((o) => o.ruleId === t.rule.id) ?? null;
    t.alert = a;
    t.memory = a ? memoryOf(a) : EMPTY_MEMORY;
  }
  reconcileSuppression(engine, assetId, engine.now());
}

/** Applies a rule change stored by another instance: one rule (edited, shelved), or what is out of service. */
export async function reloadRules(engine: AlarmEngine, change: RulesChange): Promise<void> {
  if (engine.isClosed) return;
  if ('ruleId' in change) {
    const rule = await engine.opts.repo.getRule(change.ruleId);
    // An unchanged rule keeps its pending breach timing (a resync reloads every rule).
    const current = engine.tracked.get(change.ruleId)?.rule;
    if (rule && JSON.stringify(rule) !== JSON.stringify(current)) {
      engine.replaceRule(rule);
      reconcileSuppression(engine, rule.assetId, engine.now());
    }
    return;
  }
  const entries = await engine.opts.repo.listOutOfService();
  engine.oosRules.clear();
  engine.oosAssets.clear();
  for (const o of entries) (o.scope === 'rule' ? engine.oosRules : engine.oosAssets).add(o.target);
  const assets = new Set<string>();
  for (const a of await engine.opts.repo.listOpen()) {
    const t = engine.tracked.get(a.ruleId);
    if (!t || (a.state !== 'out_of_service' && t.alert?.state !== 'out_of_service')) continue;
    assets.add(a.assetId);
    await engine.enqueue(t, async () => {
      engine.adopt(t, a);
      t.memory = a.state === 'out_of_service' ? { pending: null, open: t.memory.open } : memoryOf(a);
    });
  }
  for (const assetId of assets) reconcileSuppression(engine, assetId, engine.now());
}
