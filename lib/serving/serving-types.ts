/**
 * The model lifecycle's shared shapes: references to versions, who acts, what the admin API
 * lists and reports, and the lifecycle's refusals (DomainErrors: lib/api/route.ts answers them).
 */
import type { PackageSource } from '../model';
import { DomainError } from '../errors/domain-error';
import type { AbMode } from './ab-split';
import type { VersionStats } from './ab-stats';

export interface ModelRef {
  name: string;
  version: string;
}

export interface Actor {
  username: string;
  address?: string;
}

export interface ModelVersionInfo extends ModelRef {
  source: PackageSource;
  active: boolean;
  challenger: boolean;
  trainedAt: string | null;
  description: string;
  metrics: { r2: number; mae: number; rmse: number } | null;
  features: string[];
  /** Why its twin.json cannot be read (a listed package may still fail to load). */
  problem: string | null;
}

export interface AbView {
  running: boolean;
  champion: ModelRef | null;
  /** share: of predictions it serves (0 in shadow mode: it scores every live point, unseen). */
  challenger: (ModelRef & { share: number; mode: AbMode }) | null;
  since: number;
  versions: VersionStats[];
}

/** A drift state change of one feature (the hook for the alert engine). */
export interface DriftEvent {
  feature: string;
  label: string;
  state: 'drifting' | 'stable';
  psi: number;
  threshold: number;
  outOfRangeRate: number | null;
  at: number;
}

export class ModelNotFoundError extends DomainError {
  constructor(ref: ModelRef) {
    super({ status: 404, code: 'model_not_found', message: `no model package ${ref.name} ${ref.version}` });
    this.name = 'ModelNotFoundError';
  }
}

/** The request conflicts with what serves now (e.g. an A/B challenger equal to the champion). */
export class ModelConflictError extends DomainError {
  constructor(message: string) {
    super({ status: 409, code: 'conflict', message });
    this.name = 'ModelConflictError';
  }
}

/** `name/version`, the key of a version in logs, audits and the serving state. */
export function refKey(ref: ModelRef): string {
  return `${ref.name}/${ref.version}`;
}
