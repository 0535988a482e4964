import { apiRoute, readJson, validationError } from '@/lib/api/route';
import { ApiError } from '@/lib/api/errors';
import { getServices, getTwin } from '@/lib/services';
import { parseIngestBody, toReadings } from '@/lib/twin/ingest';

export const dynamic = 'force-dynamic';

/** Readings from outside: one `{ts?, values, actual?}` or an array of them. Operators and up. */
export const POST = apiRoute({ role: 'operator' }, async ({ req, params }) => {
  const twin = getTwin();
  const assetId = params.id ?? '';
  if (!twin.pipeline.hasAsset(assetId)) throw new ApiError(404, 'not_found', `unknown asset "${assetId}"`);
  const features = twin.catalog().signals.map((s) => s.name);
  const parsed = parseIngestBody(await readJson(req), features, getServices().config.MAX_INGEST_BATCH);
  if (!parsed.success) throw validationError(parsed.error, 'Nothing was stored: fix the listed fields');
  const converted = toReadings(assetId, parsed.data);
  if ('error' in converted)
    throw new ApiError(400, 'validation_failed', 'Nothing was stored: fix the listed fields', [converted.error]);
  const points = await twin.pipeline.ingest(converted.readings, ['ingested']);
  return Response.json(
    {
      accepted: points.length,
      points: points.map((p) => ({
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
});
