/**
 * The asset registry (issue 15): the plant's assets, their place in the hierarchy, their source
 * and their signals. Keeps the live assets in memory (ingest asks per reading), checks what a
 * schema cannot (signals against the serving model, tags), writes through the repository,
 * audits every change and tells its listeners (stream, alerts, stale monitor, browsers), so a
 * change takes effect at once. Refusals are `DomainError`s, answered by lib/api/route.ts and
 * printed by the users CLI.
 */
import type { AuditRepo } from '../db/audit-repo';
import { AssetExistsError, BindingTakenError, type AssetFields, type AssetsRepo } from '../db/assets-repo';
import { DomainError, type FieldError } from '../errors/domain-error';
import type { SignalInfo } from '../twin/types';
import type { CreateAsset, PatchAsset, SignalInput } from './schemas';
import { signalMap, type SignalMap } from './signal-map';
import {
  bindingKey,
  type Asset,
  type AssetSignal,
  type SparkplugBinding,
  type StoredAsset,
  type StoredSignal,
} from './types';

export interface AssetActor {
  username: string;
  address?: string | null;
}

export type AssetChange = {
  kind: 'created' | 'updated' | 'retired';
  asset: Asset;
  /** The asset as it was before (null when created). */
  before: Asset | null;
  /** `local`: made here (tell the other instances); `remote`: read back after another instance's. */
  origin: 'local' | 'remote';
};

export interface AssetRegistryDeps {
  repo: AssetsRepo;
  audit: AuditRepo;
  /** The serving model's inputs (every asset has them). */
  features(): SignalInfo[];
  /** Setpoints a new simulated asset starts from when none are given. */
  defaultSetpoints?: Record<string, number>;
}

const invalid = (fields: FieldError[], status = 422) =>
  new DomainError({
    status,
    code: 'validation_failed',
    message: 'The asset is invalid: fix the listed fields',
    fields,
  });

const bindingTaken = (b: SparkplugBinding, owner: string | null) =>
  new DomainError({
    status: 409,
    code: 'conflict',
    message: `Sparkplug device ${bindingKey(b)} is already bound to ${owner ? `asset "${owner}"` : 'another asset'}`,
    fields: [{ field: 'sparkplug', message: `${bindingKey(b)} is already bound to ${owner ?? 'another asset'}` }],
  });

const sameBinding = (a: SparkplugBinding | null, b: SparkplugBinding | null) =>
  (a === null && b === null) || (a !== null && b !== null && bindingKey(a) === bindingKey(b));

const notFound = (id: string) =>
  new DomainError({
    status: 404,
    code: 'not_found',
    message: `unknown asset "${id}"`,
    fields: [{ field: 'id', message: `unknown asset "${id}"` }],
  });

/** Stored signal rows + the serving model's features -> the asset's signals, features first. */
export function resolveSignals(stored: readonly StoredSignal[], features: readonly SignalInfo[]): AssetSignal[] {
  const own = new Map(stored.map((s) => [s.name, s]));
  const isFeature = new Set(features.map((f) => f.name));
  return [
    ...features.map((f) => {
      const s = own.get(f.name);
      return {
        ...f,
        tag: s?.tag ?? null,
        scale: s?.scale ?? null,
        offset: s?.offset ?? null,
        feature: true,
      };
    }),
    ...stored.filter((s) => !isFeature.has(s.name)).map((s) => ({ ...s, feature: false })),
  ];
}

/**
 * Signal inputs -> the rows to store: extras in full, features only when they carry a tag or a
 * conversion (their label, unit and range are the model's). Checks names, ranges and tags.
 */
export function signalRows(inputs: readonly SignalInput[], features: readonly SignalInfo[]): StoredSignal[] {
  const problems: FieldError[] = [];
  const rows: StoredSignal[] = [];
  const seen = new Set<string>();
  const tags = new Map<string, string>();
  const names = new Set([...features.map((f) => f.name), ...inputs.map((s) => s.name)]);
  inputs.forEach((s, i) => {
    const at = (field: string, message: string) => problems.push({ field: `signals.${i}.${field}`, message });
    if (seen.has(s.name)) return at('name', `${s.name} is listed twice`);
    seen.add(s.name);
    const feature = features.find((f) => f.name === s.name);
    const tag = s.tag ?? null;
    if (tag !== null) {
      if (tags.has(tag)) at('tag', `tag ${tag} is already ${tags.get(tag)}'s`);
      else if (names.has(tag) && tag !== s.name) at('tag', `tag ${tag} is the name of another signal`);
      tags.set(tag, s.name);
    }
    const conversion = { tag, scale: s.scale ?? null, offset: s.offset ?? null };
    if (feature) {
      if (conversion.tag !== null || conversion.scale !== null || conversion.offset !== null)
        rows.push({
          name: feature.name,
          label: feature.label,
          unit: feature.unit,
          min: feature.min,
          max: feature.max,
          ...conversion,
        });
      return;
    }
    if (s.min === undefined) at('min', `min is required for ${s.name} (its valid range)`);
    if (s.max === undefined) at('max', `max is required for ${s.name} (its valid range)`);
    if (s.min !== undefined && s.max !== undefined && !(s.min < s.max)) at('max', 'max must be greater than min');
    rows.push({
      name: s.name,
      label: s.label ?? s.name,
      unit: s.unit ?? '',
      min: s.min ?? 0,
      max: s.max ?? 0,
      ...conversion,
    });
  });
  if (problems.length) throw invalid(problems);
  return rows;
}

export class AssetRegistry {
  private readonly live = new Map<string, StoredAsset>();
  private readonly listeners: ((change: AssetChange) => void)[] = [];
  private readonly maps = new Map<string, SignalMap>();
  /** Live assets' Sparkplug bindings: `group/edge/device` -> asset id. */
  private readonly bindings = new Map<string, string>();
  /** Changes one at a time: a create racing a retire of the same id must not interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: AssetRegistryDeps) {}

  /** Reads the live (not retired) assets from the database. */
  async load(): Promise<void> {
    this.live.clear();
    this.maps.clear();
    this.bindings.clear();
    for (const a of await this.deps.repo.list()) this.keep(a);
  }

  /**
   * The live asset a Sparkplug B device feeds: the asset bound to it; else the asset named like
   * the device, unless that asset is bound to another device; else undefined.
   */
  sparkplugAsset(group: string, edge: string, device: string): string | undefined {
    const bound = this.bindings.get(bindingKey({ group, edge, device }));
    if (bound) return bound;
    const named = this.live.get(device);
    return named && named.sparkplug === null ? named.id : undefined;
  }

  /** Called after every change, in order; must not throw. */
  onChange(listener: (change: AssetChange) => void): void {
    this.listeners.push(listener);
  }

  /** The live assets, in the order added, with their signals resolved against the serving model. */
  list(): Asset[] {
    return [...this.live.values()].map((a) => this.resolve(a));
  }

  /** A live asset, or undefined (unknown or retired). */
  get(id: string): Asset | undefined {
    const a = this.live.get(id);
    return a ? this.resolve(a) : undefined;
  }

  has(id: string): boolean {
    return this.live.has(id);
  }

  /** Any asset ever registered, retired ones too (their history stays readable); 404 otherwise. */
  async find(id: string): Promise<Asset> {
    const live = this.live.get(id);
    const a = live ?? (await this.deps.repo.get(id));
    if (!a) throw notFound(id);
    return this.resolve(a);
  }

  /** Every asset, retired ones too. */
  async listAll(): Promise<Asset[]> {
    return (await this.deps.repo.list({ retired: true })).map((a) => this.resolve(a));
  }

  /** How values sent for an asset become stored ones; undefined for an unknown or retired asset. */
  signalMap(id: string): SignalMap | undefined {
    const a = this.live.get(id);
    if (!a) return undefined;
    const features = this.deps.features();
    const key = `${id}\u0000${features.map((x) => `${x.name}:${x.min}:${x.max}`).join(',')}`;
    let map = this.maps.get(key);
    if (!map) {
      map = signalMap(resolveSignals(a.signals, features));
      if (this.maps.size > 10_000) this.maps.clear();
      this.maps.set(key, map);
    }
    return map;
  }

  async create(input: CreateAsset, actor: AssetActor): Promise<Asset> {
    return this.serial(async () => {
      const source = input.source ?? 'external';
      const fields: AssetFields = {
        id: input.id,
        name: input.name,
        path: input.path ?? '',
        description: input.description ?? '',
        source,
        setpoints: input.setpoints ?? (source === 'simulator' ? { ...this.deps.defaultSetpoints } : {}),
        signals: signalRows(input.signals ?? [], this.deps.features()),
        sparkplug: input.sparkplug ?? null,
      };
      this.checkBinding(fields.sparkplug, input.id);
      let stored: StoredAsset;
      try {
        stored = await this.deps.repo.insert(fields);
      } catch (err) {
        if (err instanceof BindingTakenError) throw bindingTaken(err.binding, null);
        if (err instanceof AssetExistsError)
          throw new DomainError({
            status: 409,
            code: 'conflict',
            message: `asset "${input.id}" already exists (ids of retired assets stay taken)`,
            fields: [{ field: 'id', message: `asset "${input.id}" already exists` }],
          });
        throw err;
      }
      await this.record(actor, 'asset.create', stored.id, {
        name: stored.name,
        path: stored.path,
        source,
        ...(stored.sparkplug ? { sparkplug: bindingKey(stored.sparkplug) } : {}),
      });
      return this.publish('created', stored, 'local');
    });
  }

  async update(id: string, patch: PatchAsset, actor: AssetActor): Promise<Asset> {
    return this.serial(async () => {
      const current = this.live.get(id);
      if (!current) {
        if (await this.deps.repo.get(id))
          throw new DomainError({ status: 409, code: 'retired', message: `asset "${id}" is retired` });
        throw notFound(id);
      }
      const source = patch.source ?? current.source;
      const fields: AssetFields = {
        id,
        name: patch.name ?? current.name,
        path: patch.path ?? current.path,
        description: patch.description ?? current.description,
        source,
        setpoints:
          patch.setpoints ??
          (source === 'simulator' && !Object.keys(current.setpoints).length
            ? { ...this.deps.defaultSetpoints }
            : current.setpoints),
        signals: patch.signals ? signalRows(patch.signals, this.deps.features()) : current.signals,
        sparkplug: patch.sparkplug === undefined ? current.sparkplug : patch.sparkplug,
      };
      this.checkBinding(fields.sparkplug, id);
      let stored: StoredAsset | null;
      try {
        stored = await this.deps.repo.update(fields);
      } catch (err) {
        if (err instanceof BindingTakenError) throw bindingTaken(err.binding, null);
        throw err;
      }
      if (!stored) throw notFound(id);
      const rebound = !sameBinding(current.sparkplug, stored.sparkplug);
      await this.record(actor, 'asset.update', id, {
        changed: Object.keys(patch),
        ...(rebound ? { sparkplug: stored.sparkplug ? bindingKey(stored.sparkplug) : null } : {}),
      });
      return this.publish('updated', stored, 'local');
    });
  }

  /** Stops the asset's stream; its history stays readable. Retiring twice is a 409. */
  async retire(id: string, actor: AssetActor): Promise<Asset> {
    return this.serial(async () => {
      if (!this.live.has(id)) {
        if (await this.deps.repo.get(id))
          throw new DomainError({ status: 409, code: 'retired', message: `asset "${id}" is already retired` });
        throw notFound(id);
      }
      const stored = await this.deps.repo.retire(id);
      if (!stored) throw notFound(id);
      await this.record(actor, 'asset.retire', id, {});
      return this.publish('retired', stored, 'local');
    });
  }

  /**
   * Reads an asset again after another instance changed it (the database is the truth) and
   * applies the difference as a `remote` change: created, updated or retired here too.
   */
  async reload(id: string): Promise<void> {
    return this.serial(async () => {
      const stored = await this.deps.repo.get(id);
      this.applyStored(id, stored);
    });
  }

  /** Reads every asset again (after missed cluster events): each difference is a `remote` change. */
  async reloadAll(): Promise<void> {
    return this.serial(async () => {
      const all = await this.deps.repo.list({ retired: true });
      for (const a of all) this.applyStored(a.id, a);
    });
  }

  private applyStored(id: string, stored: StoredAsset | null): void {
    const current = this.live.get(id);
    if (!stored || stored.retiredAt !== null) {
      if (current) this.publish('retired', stored ?? { ...current, retiredAt: Date.now() }, 'remote');
      return;
    }
    if (!current) this.publish('created', stored, 'remote');
    else if (current.updatedAt !== stored.updatedAt) this.publish('updated', stored, 'remote');
  }

  /** 409 naming `sparkplug` when another live asset has the binding. */
  private checkBinding(b: SparkplugBinding | null, id: string): void {
    if (!b) return;
    const owner = this.bindings.get(bindingKey(b));
    if (owner !== undefined && owner !== id) throw bindingTaken(b, owner);
  }

  /** Makes a stored asset the live one (its binding in the lookup). */
  private keep(a: StoredAsset): void {
    this.drop(a.id);
    this.live.set(a.id, a);
    if (a.sparkplug) this.bindings.set(bindingKey(a.sparkplug), a.id);
  }

  private drop(id: string): void {
    const old = this.live.get(id);
    if (old?.sparkplug && this.bindings.get(bindingKey(old.sparkplug)) === id)
      this.bindings.delete(bindingKey(old.sparkplug));
    this.live.delete(id);
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private publish(kind: AssetChange['kind'], stored: StoredAsset, origin: AssetChange['origin']): Asset {
    for (const key of this.maps.keys()) if (key.startsWith(`${stored.id}\u0000`)) this.maps.delete(key);
    const old = this.live.get(stored.id);
    const before = old ? this.resolve(old) : null;
    if (kind === 'retired') this.drop(stored.id);
    else this.keep(stored);
    const asset = this.resolve(stored);
    for (const l of this.listeners) l({ kind, asset, before, origin });
    return asset;
  }

  private resolve(a: StoredAsset): Asset {
    return { ...a, signals: resolveSignals(a.signals, this.deps.features()) };
  }

  private record(actor: AssetActor, action: string, id: string, details: Record<string, unknown>) {
    return this.deps.audit.record({
      actor: actor.username,
      action,
      target: `asset:${id}`,
      outcome: 'success',
      address: actor.address ?? null,
      details,
    });
  }
}
