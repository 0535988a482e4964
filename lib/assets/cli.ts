/**
 * The users CLI's asset commands (`npm run users -- asset-list|asset-create|asset-bind|
 * asset-unbind|asset-retire`): the same schema, registry service, checks and audit entries as the
 * REST API, on the console's database. With the embedded database the console must be stopped
 * (it holds the database); clustered (PostgreSQL and Redis) the running instances are told
 * (`onChanged`, published by scripts/users.ts) and apply the change at once; with PostgreSQL
 * alone a running console sees it at its next start.
 */
import type { Config } from '../config/env';
import type { AuditRepo } from '../db/audit-repo';
import { assetsRepo } from '../db/assets-repo';
import type { Db } from '../db/client';
import { DomainError } from '../errors/domain-error';
import type { Logger } from '../log';
import type { z } from 'zod';
import { createAssetSchema, patchAssetSchema } from './schemas';
import { startAssetRegistry } from './start-assets';
import { bindingKey } from './types';

export const ASSET_COMMANDS = ['asset-list', 'asset-create', 'asset-bind', 'asset-unbind', 'asset-retire'] as const;
export type AssetCommand = (typeof ASSET_COMMANDS)[number];

export const ASSET_USAGE = `  asset-list [--all]                                                 list assets (--all: retired ones too)
  asset-create <id> --name "R-101" [--path Site/Area/Unit] [--source external|simulator]
               [--description text] [--signals '<JSON list, as the API's signals>']
               [--sparkplug group/edge/device]                       register an asset
  asset-bind <id> <group/edge/device>                                bind the Sparkplug B device that feeds it
  asset-unbind <id>                                                  remove its Sparkplug B binding
  asset-retire <id>                                                  retire an asset (its history stays)`;

export interface AssetCliOptions {
  name?: string;
  path?: string;
  source?: string;
  description?: string;
  signals?: string;
  sparkplug?: string;
  all?: boolean;
}

/** `group/edge/device` -> the API's `sparkplug` object (each id then checked by the schema). */
function bindingArg(text: string): { group: string; edge: string; device: string } {
  const parts = text.split('/');
  if (parts.length !== 3)
    throw refused('sparkplug', 'must be group/edge/device (three Sparkplug B ids, e.g. Ludwigshafen/gw-1/R-101)');
  const [group = '', edge = '', device = ''] = parts;
  return { group, edge, device };
}

/** The schema's refusal as a DomainError naming each field. */
function parsed<T>(result: { success: true; data: T } | { success: false; error: z.ZodError }): T {
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({ field: i.path.join('.') || '(input)', message: i.message }));
  throw new DomainError({
    status: 400,
    code: 'validation_failed',
    message: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
    fields,
  });
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
  /** asset-bind's `group/edge/device`. */
  binding: string | undefined,
  opts: AssetCliOptions,
  deps: {
    config: Config;
    db: Db;
    audit: AuditRepo;
    logger: Logger;
    print: (rows: unknown) => void;
    say: (s: string) => void;
    /** An asset was changed (the running cluster is told). */
    onChanged?: (assetId: string) => void;
  },
): Promise<void> {
  // The plant's own signals stand for the model's inputs: the CLI loads no model.
  const registry = await startAssetRegistry({ ...deps, repo: assetsRepo(deps.db), models: { scorer: () => null } });
  const actor = { username: 'cli' };
  registry.onChange(({ asset }) => deps.onChanged?.(asset.id));
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
          sparkplug: a.sparkplug ? bindingKey(a.sparkplug) : '',
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
      const input = parsed(
        createAssetSchema.safeParse({
          id,
          name: opts.name,
          ...(opts.path !== undefined ? { path: opts.path } : {}),
          ...(opts.source !== undefined ? { source: opts.source } : {}),
          ...(opts.description !== undefined ? { description: opts.description } : {}),
          ...(signals !== undefined ? { signals } : {}),
          ...(opts.sparkplug !== undefined ? { sparkplug: bindingArg(opts.sparkplug) } : {}),
        }),
      );
      const asset = await registry.create(input, actor);
      const bound = asset.sparkplug ? `, Sparkplug ${bindingKey(asset.sparkplug)}` : '';
      deps.say(`created ${asset.id} (${asset.name}, ${asset.source}${asset.path ? `, ${asset.path}` : ''}${bound})`);
      return;
    }
    case 'asset-bind':
    case 'asset-unbind': {
      if (!id) throw refused('id', `${command} needs an asset id`);
      if (command === 'asset-bind' && !binding) throw refused('sparkplug', 'asset-bind needs group/edge/device');
      const patch = parsed(
        patchAssetSchema.safeParse({ sparkplug: command === 'asset-bind' ? bindingArg(binding!) : null }),
      );
      const asset = await registry.update(id, patch, actor);
      deps.say(
        asset.sparkplug
          ? `${asset.id} is fed by Sparkplug device ${bindingKey(asset.sparkplug)}`
          : `${asset.id} has no Sparkplug binding`,
      );
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
