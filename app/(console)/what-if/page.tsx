import type { Metadata } from 'next';
import { WhatIfExplorer } from '@/components/what-if/what-if-explorer';
import { RefreshOnModelChange } from '@/components/models/refresh-on-model-change';
import { getServices } from '@/lib/services';
import { initialValues, type WhatIfFeature } from '@/lib/what-if/inputs';
import { bandInfo } from '@/lib/model/band-label';

export const metadata: Metadata = { title: 'What-if' };

/**
 * The what-if explorer. The model description comes from the serving model package on the
 * server; the explorer (client) predicts through the API. Starts from the first asset's latest
 * reading so the first view is the plant as it runs now.
 */
export default function WhatIfPage() {
  const services = getServices();
  const twin = services.twin;
  const manifest = twin.model()?.manifest;
  if (!manifest) {
    return (
      <section className="panel" role="status" data-testid="whatif-unavailable">
        <RefreshOnModelChange />
        <h1>What-if</h1>
        <p>No model can run, so there is nothing to explore yet.</p>
        <p className="error">{twin.modelProblem() ?? 'No model is loaded.'}</p>
      </section>
    );
  }

  const features: WhatIfFeature[] = manifest.features.map(({ name, label, unit, min, max, step, training }) => ({
    name,
    label,
    unit,
    min,
    max,
    step,
    ...(training ? { training } : {}),
  }));
  const assets = twin.catalog().assets.map(({ id, name }) => ({ id, name }));
  const assetId = assets[0]?.id ?? '';
  const latest = assetId ? twin.pipeline.stream(assetId)?.latest()?.values : undefined;
  const bandName = bandInfo(manifest.interval)?.label ?? null;

  return (
    <>
      <h1 className="visually-hidden">What-if</h1>
      <RefreshOnModelChange />
      <WhatIfExplorer
        features={features}
        target={manifest.target}
        limits={manifest.alerts.prediction}
        assets={assets}
        initialAssetId={assetId}
        initialValues={initialValues(features, latest)}
        maxBatch={services.config.MAX_BATCH}
        bandName={bandName}
        modelVersion={manifest.version}
      />
    </>
  );
}
