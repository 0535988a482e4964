/**
 * `POST /api/v1/assets/:id/telemetry`: readings from outside, one `{ts?, values, actual?}` or an
 * array of them. Operators and up. 201 only once committed; a retried (asset, ts) is counted as a
 * duplicate, not stored twice. Served by Next (app/api/v1/assets/[id]/telemetry/route.ts
 * re-exports it) and, for bearer calls, by the machine fast path (lib/server/machine-api.ts).
 */
import type { NextRequest } from 'next/server';
import { reply, type LightRequest, type MachineRequest } from '../api/light-http';
import { apiRoute, readJson, validationError } from '../api/route';
import { ApiError } from '../api/errors';
import { getServices, getServicesOrNull } from '../services';
import { parseIngestBody, toReadings } from '../twin/ingest';
import { recordHttpIngestError, recordHttpIngestRefusal } from './http-rejections';
import { NotStoredError } from './group-commit';
import { isoTime } from './iso-time';

const route = apiRoute({ role: 'operator', machine: true }, async ({ req, params }) => {
  const assetId = params.id ?? '';
  try {
    return await ingest(req, assetId);
  } catch (err) {
    // Counted with MQTT's refusals (twinops_ingest_rejected_total{source="http"}) and kept as
    // the asset's last error.
    recordHttpIngestError(getServicesOrNull()?.ingestStatus, err, assetId);
    throw err;
  }
});

/** Refusals answered before the handler (401, 403, 429) count too (none while no console runs). */
function countRefusal(status: number, assetId: unknown): void {
  if (status === 401 || status === 403 || status === 429)
    recordHttpIngestRefusal(getServicesOrNull()?.ingestStatus, status, typeof assetId === 'string' ? assetId : '');
}

export const telemetryIngestRoute = Object.assign(
  async (req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => {
    const res = await route(req, ctx);
    countRefusal(res.status, (await ctx.params).id);
    return res;
  },
  {
    machine: async (req: MachineRequest, params?: Record<string, string>) => {
      const res = await route.machine(req, params);
      countRefusal(res.status, params?.id);
      return res;
    },
  },
);

async function ingest(req: LightRequest, assetId: string) {
  const { twin, config, ingestStatus, assets } = getServices();
  if (!twin.pipeline.hasAsset(assetId)) throw new ApiError(404, 'not_found', `unknown asset "${assetId}"`);
  // The registry's mapping: values by name or tag, converted, extra signals range-checked.
  const signals = assets.signalMap(assetId) ?? twin.catalog().signals.map((s) => s.name);
  const parsed = parseIngestBody(await readJson(req), signals, config.MAX_INGEST_BATCH);
  if (!parsed.success) throw validationError(parsed.error, 'Nothing was stored: fix the listed fields');
  const converted = toReadings(assetId, parsed.data);
  if ('error' in converted)
    throw new ApiError(400, 'validation_failed', 'Nothing was stored: fix the listed fields', [converted.error]);
  let result;
  try {
    // Answered only after the transaction storing the readings committed (group commit).
    result = await twin.ingest(converted.readings);
  } catch (err) {
    if (err instanceof NotStoredError)
      throw new ApiError(503, 'not_stored', 'The readings were not stored (database unavailable); send them again');
    throw err;
  }
  ingestStatus.accepted(assetId, 'http');
  return reply(
    {
      accepted: result.accepted,
      duplicates: result.duplicates,
      late: result.late,
      points: result.readings.map(({ status, point: p }) => ({
        status,
        seq: p.seq,
        ts: isoTime(p.ts),
        prediction: p.prediction,
        lower: p.lower,
        upper: p.upper,
        modelVersion: p.modelVersion,
        flags: p.flags,
        outOfRange: p.outOfRange ?? [],
      })),
    },
    { status: 201 },
  );
}
