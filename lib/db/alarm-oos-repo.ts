/** Rules and assets out of service, and their alarms going out and coming back. */
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { AlertEvent, OutOfService } from '../alerts/types';
import { toAlert, type AlertRow } from './alarm-rows';
import { transitionIn } from './alarm-transition';
import type { Db } from './client';
import { alarmOutOfService, alerts } from './schema';

/** An entry taken out of service and the alarms it took with it. */
export interface OutOfServiceResult {
  entry: OutOfService;
  alarms: AlertEvent[];
}

export function alarmOutOfServiceRepo(db: Db) {
  return {
    /**
     * Takes a rule or an asset out of service and, in the same transaction, every open alarm of
     * it (remembering the state to go back to). Null when it already was out of service.
     */
    async takeOutOfService(entry: OutOfService): Promise<OutOfServiceResult | null> {
      return db.transaction(async (tx) => {
        const [added] = await tx
          .insert(alarmOutOfService)
          .values({ ...entry, since: new Date(entry.since) })
          .onConflictDoNothing()
          .returning();
        if (!added) return null;
        const col = entry.scope === 'rule' ? alerts.ruleId : alerts.assetId;
        const affected = await tx
          .select({ id: alerts.id })
          .from(alerts)
          .where(and(eq(col, entry.target), ne(alerts.state, 'normal'), ne(alerts.state, 'out_of_service')));
        const rows: AlertRow[] = [];
        for (const { id } of affected) {
          const row = await transitionIn(tx, id, {
            from: ['active_unacked', 'active_acked', 'rtn_unacked', 'shelved', 'suppressed'],
            set: { state: 'out_of_service', stateBeforeOos: sql`${alerts.state}` },
            event: 'out_of_service',
            who: entry.by,
            comment: entry.reason,
            at: entry.since,
          });
          if (row) rows.push(row);
        }
        return { entry, alarms: rows.map(toAlert) };
      });
    },

    /**
     * Returns a rule or an asset to service: its alarms go back to the state they had, unless the
     * other scope (the asset of a rule, or a rule of the asset) still keeps them out. Null when it
     * was not out of service.
     */
    async returnToService(
      scope: 'rule' | 'asset',
      target: string,
      by: string,
      comment: string | null,
      at: number,
    ): Promise<AlertEvent[] | null> {
      return db.transaction(async (tx) => {
        const [gone] = await tx
          .delete(alarmOutOfService)
          .where(and(eq(alarmOutOfService.scope, scope), eq(alarmOutOfService.target, target)))
          .returning();
        if (!gone) return null;
        const col = scope === 'rule' ? alerts.ruleId : alerts.assetId;
        const stillOut = sql`exists (select 1 from ${alarmOutOfService} o where (o.scope = 'rule' and o.target = ${alerts.ruleId}::text) or (o.scope = 'asset' and o.target = ${alerts.assetId}))`;
        const affected = await tx
          .select({ id: alerts.id })
          .from(alerts)
          .where(and(eq(col, target), eq(alerts.state, 'out_of_service'), sql`not ${stillOut}`));
        const rows: AlertRow[] = [];
        for (const { id } of affected) {
          const row = await transitionIn(tx, id, {
            from: ['out_of_service'],
            set: { state: sql`coalesce(${alerts.stateBeforeOos}, 'active_unacked')`, stateBeforeOos: null },
            event: 'returned_to_service',
            who: by,
            comment,
            at,
          });
          if (row) rows.push(row);
        }
        return rows.map(toAlert);
      });
    },

    async listOutOfService(): Promise<OutOfService[]> {
      const rows = await db.select().from(alarmOutOfService).orderBy(desc(alarmOutOfService.since));
      return rows.map((r) => ({
        scope: r.scope,
        target: r.target,
        reason: r.reason,
        by: r.by,
        since: r.since.getTime(),
      }));
    },
  };
}
