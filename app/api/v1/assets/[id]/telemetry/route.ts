import type { NextRequest } from 'next/server';
import { apiRoute, readJson, validationError } from '@/lib/api/route';
import { ApiError } from '@/lib/api/errors';
import { getServices, getServicesOrNull, getTwin } from '@/lib/services';
import { recordHttpIngestError, recordHttpIngestRefusal } from '@/lib/ingest/http-rejections';
import { parseIngestBody, toReadings } from '@/lib/twin/ingest';
import { NotStoredError } from '@/lib/ingest/group-commit';

export const dynamic = 'force-dynamic';

/**
 * Readings from outside: one `{ts?, values, actual?}` or an array of them. Operators and up.
 * 201 only once committed; a retried (asset, ts) is counted as a duplicate, not stored twice.
 */
const post = apiRoute({ role: 'operator' }, async ({ req, params }) => {
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

export async function POST(req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) {
  const res = await post(req, ctx);
  // Refusals answered before the handler (401, 403, 429) count too.
  if (res.status === 401 || res.status === 403 || res.status === 429) {
    const id = (await ctx.params).id;
    recordHttpIngestRefusal(getServicesOrNull()?.ingestStatus, res.status, typeof id === 'string' ? id : '');
  }
  return res;
}

async function ingest(req: NextRequest, assetId: string): Promise<Response> {
  const twin = getTwin();
  if (!twin.pipeline.hasAsset(assetId)) throw new ApiError(404, 'not_found', `unknown asset "${assetId}"`);
  const features = twin.catalog().signals.map((s) => s.name);
  const parsed = parseIngestBody(await readJson(req), features, getServices().config.MAX_INGEST_BATCH);
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
  getServicesOrNull()?.ingestStatus?.accepted(assetId, 'http');
  return Response.json(
    {
      accepted: result.accepted,
      duplicates: result.duplicates,
      late: result.late,
      points: result.readings.map(({ status, point: p }) => ({
        status,
        seq: p.seq,
        ts: new Date(p.ts).toISOString(),
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
