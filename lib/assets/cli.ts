/**
 * The users CLI's asset commands (`npm run users -- asset-list|asset-create|asset-retire`): the
 * same schema, registry service, checks and audit entries as the REST API, on the console's
 * database. With the embedded database the console must be stopped (it holds the database);
 * with PostgreSQL a running console sees the change at its next start.
 */
import type { Config } from '../config/env';
import type { AuditRepo } from '../db/audit-repo';
import { assetsRepo } from '../db/assets-repo';
import type { Db } from '../db/client';
import { DomainError } from '../errors/domain-error';
import type { Logger } from '../log';
import { createAssetSchema } from './schemas';
import { startAssetRegistry } from './start-assets';

export const ASSET_COMMANDS = ['asset-list', 'asset-create', 'asset-retire'] as const;
export type AssetCommand = (typeof ASSET_COMMANDS)[number];

export const ASSET_USAGE = `  asset-list [--all]                                                 list assets (--all: retired ones too)
  asset-create <id> --name "R-101" [--path Site/Area/Unit] [--source external|simulator]
               [--description text] [--signals '<JSON list, as the API's signals>']   register an asset
  asset-retire <id>                                                  retire an asset (its history stays)`;

export interface AssetCliOptions {
  name?: string;
  path?: string;
  source?: string;
  description?: string;
  signals?: string;
  all?: boolean;
}

const refused = (field: string, message: string) =>
  new DomainError({
    status: 400,
    code: 'validation_failed',
    message: `${field}: ${message}`,
    fields: [{ field, message }],
  });

/** Runs one asset command; refusals are DomainErrors whose message names the field. */
export async function runAssetCommand(
  command: AssetCommand,
  id: string | undefined,
  opts: AssetCliOptions,
  deps: {
    config: Config;
    db: Db;
    audit: AuditRepo;
    logger: Logger;
    print: (rows: unknown) => void;
    say: (s: string) => void;
  },
): Promise<void> {
  // The plant's own signals stand for the model's inputs: the CLI loads no model.
  const registry = await startAssetRegistry({ ...deps, repo: assetsRepo(deps.db), models: { scorer: () => null } });
  const actor = { username: 'cli' };
  switch (command) {
    case 'asset-list': {
      const list = opts.all ? await registry.listAll() : registry.list();
      deps.print(
        list.map((a) => ({
          id: a.id,
          name: a.name,
          place: a.path,
          source: a.source,
          extraSignals: a.signals
            .filter((s) => !s.feature)
            .map((s) => s.name)
            .join(' '),
          tags: a.signals
            .filter((s) => s.tag)
            .map((s) => `${s.tag}=${s.name}`)
            .join(' '),
          state: a.retiredAt === null ? 'live' : `retired ${new Date(a.retiredAt).toISOString()}`,
        })),
      );
      return;
    }
    case 'asset-create': {
      let signals: unknown;
      if (opts.signals !== undefined) {
        try {
          signals = JSON.parse(opts.signals);
        } catch {
          throw refused('signals', 'must be a JSON list, e.g. [{"name":"level","unit":"%","min":0,"max":100}]');
        }
      }
      const parsed = createAssetSchema.safeParse({
        id,
        name: opts.name,
        ...(opts.path !== undefined ? { path: opts.path } : {}),
        ...(opts.source !== undefined ? { source: opts.source } : {}),
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        ...(signals !== undefined ? { signals } : {}),
      });
      if (!parsed.success) {
        const fields = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(input)', message: i.message }));
        throw new DomainError({
          status: 400,
          code: 'validation_failed',
          message: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
          fields,
        });
      }
      const asset = await registry.create(parsed.data, actor);
      deps.say(`created ${asset.id} (${asset.name}, ${asset.source}${asset.path ? `, ${asset.path}` : ''})`);
      return;
    }
    case 'asset-retire': {
      if (!id) throw refused('id', 'asset-retire needs an asset id');
      const asset = await registry.retire(id, actor);
      deps.say(`retired ${asset.id}: its history stays readable`);
      return;
    }
  }
}

/** A DomainError's message with the fields it names, for the terminal. */
export function describeRefusal(err: unknown): string | null {
  if (!(err instanceof DomainError)) return null;
  const fields = err.fields?.map((f) => `${f.field}: ${f.message}`) ?? [];
  return fields.length && !fields.every((f) => err.message.includes(f))
    ? `${err.message} (${fields.join('; ')})`
    : err.message;
}
