/**
 * The asset registry's endpoints in the OpenAPI document (imported by lib/api/operations.ts),
 * with the same zod schemas the handlers validate with. `GET /api/v1/assets` is declared in
 * lib/api/operations.ts (it is the dashboard's catalog too) with `assetViewSchema` from here.
 */
import { z } from 'zod';
import { errorBodySchema, registerOperation } from '../api/openapi';
import { createAssetSchema, patchAssetSchema } from './schemas';

const signalView = z.object({
  name: z.string(),
  label: z.string(),
  unit: z.string(),
  min: z.number(),
  max: z.number(),
  tag: z.string().nullable().describe('the source’s name for it (MQTT / Sparkplug metric, ingest key)'),
  scale: z.number().nullable().describe('stored = raw * scale + offset'),
  offset: z.number().nullable(),
  feature: z.boolean().describe('a model input (required in every reading); false: an extra signal'),
});

/** An asset as the API shows it (lib/assets/api.ts `assetView`). */
export const assetViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string().describe('site/area/unit; empty when not placed'),
  description: z.string(),
  source: z.enum(['simulator', 'external']),
  setpoints: z.record(z.string(), z.number()),
  extraSignals: z.array(
    z.object({ name: z.string(), label: z.string(), unit: z.string(), min: z.number(), max: z.number() }),
  ),
  signals: z.array(signalView),
  sparkplug: z
    .object({ group: z.string(), edge: z.string(), device: z.string() })
    .nullable()
    .describe('the Sparkplug B device that feeds it (`spBv1.0/<group>/DDATA/<edge>/<device>`); null: none'),
  createdAt: z.number(),
  updatedAt: z.number(),
  retiredAt: z.number().nullable().describe('epoch ms; null while live'),
});

const one = z.object({ asset: assetViewSchema.extend({ latest: z.looseObject({}).nullable() }) });
const id = { id: 'Asset id (slug), e.g. r-101' };
const notFound = { description: 'No such asset', schema: errorBodySchema };
const invalid = {
  description:
    'The signals do not fit: an extra signal without a valid range (min < max), a tag used twice or naming another signal (`error.fields`: `signals.<i>.<field>`)',
  schema: errorBodySchema,
};
const sparkplugDoc =
  '`sparkplug`: `{group, edge, device}` binds the Sparkplug B device whose DBIRTH/DDATA feed the asset (ids without `/ + #`; the group must be one of `SPARKPLUG_GROUPS` to be received); `null` unbinds. A device is bound to at most one live asset (409 naming `sparkplug`). Live at once on every instance: the device’s node is asked for a rebirth and its next data go to this asset. An unbound asset is fed by a device named like its id.';
const signalsDoc =
  '`signals`: the model’s features are always included (their label, unit and range are the model’s; give one only to set its `tag` or conversion); any other name is an extra signal and needs `min` and `max`. Readings may key a value by its name or `tag`; `scale`/`offset` convert outside readings (HTTP, MQTT, Sparkplug) before storage; an extra signal outside its range is refused (400 naming it).';

registerOperation({
  method: 'post',
  path: '/api/v1/assets',
  tag: 'assets',
  summary: 'Register an asset: it streams, gets default alert rules and shows in every picker at once',
  description: `\`source\` defaults to \`external\` (ingest only); \`simulator\` drives it with the built-in plant. \`path\`: its place, \`site/area/unit\`. ${signalsDoc} ${sparkplugDoc} Audited; consoles hear \`assets:changed\`.`,
  role: 'admin',
  body: createAssetSchema,
  responses: {
    201: { description: 'Registered', schema: one },
    409: {
      description: 'The id is taken (retired assets keep theirs), or the Sparkplug device is bound to another asset',
      schema: errorBodySchema,
    },
    422: invalid,
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/assets/{id}',
  tag: 'assets',
  summary: 'One asset, retired ones too',
  role: 'viewer',
  params: id,
  responses: { 200: { description: 'The asset', schema: one }, 404: notFound },
});
registerOperation({
  method: 'patch',
  path: '/api/v1/assets/{id}',
  tag: 'assets',
  summary: 'Change an asset’s name, place, description, source, signals or Sparkplug binding (live at once)',
  description: `Fields not sent stay. \`signals\`, when sent, replaces the list. ${signalsDoc} ${sparkplugDoc} Audited.`,
  role: 'admin',
  params: id,
  body: patchAssetSchema,
  responses: {
    200: { description: 'The asset as stored', schema: one },
    404: notFound,
    409: {
      description: 'The asset is retired, or the Sparkplug device is bound to another asset',
      schema: errorBodySchema,
    },
    422: invalid,
  },
});
registerOperation({
  method: 'delete',
  path: '/api/v1/assets/{id}',
  tag: 'assets',
  summary: 'Retire an asset: its stream stops, its readings are refused, its history stays readable',
  role: 'admin',
  params: id,
  responses: {
    200: { description: 'Retired', schema: one },
    404: notFound,
    409: { description: 'Already retired', schema: errorBodySchema },
  },
});
