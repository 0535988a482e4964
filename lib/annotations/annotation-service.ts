/**
 * Annotations (issue 18): who may write what, the checks a schema cannot make alone (the asset
 * exists, a patched range is still a range), the audit trail and the live broadcast. Refusals are
 * `DomainError`s, answered by lib/api/route.ts.
 */
import type { Role } from '../auth/roles';
import type { AuditRepo } from '../db/audit-repo';
import type { AnnotationFilter, AnnotationsRepo } from '../db/annotations-repo';
import { DomainError } from '../errors/domain-error';
import { rangeProblem, type CreateAnnotation, type PatchAnnotation } from './schemas';
import type { Annotation } from './types';

export interface AnnotationActor {
  userId: string;
  username: string;
  role: Role;
  address?: string | null;
}

/** Where changes go live (lib/realtime/annotation-events.ts); every console hears them. */
export interface AnnotationBroadcaster {
  created(a: Annotation): void;
  updated(a: Annotation): void;
  deleted(a: Pick<Annotation, 'id' | 'assetId'>): void;
}

export interface AnnotationServiceDeps {
  repo: AnnotationsRepo;
  audit: AuditRepo;
  /** Whether an asset id names one of the plant's assets. */
  knownAsset(id: string): boolean;
  broadcast?: AnnotationBroadcaster;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const notFound = (id: string) =>
  new DomainError({ status: 404, code: 'not_found', message: `annotation ${id} not found` });

const invalid = (field: string, message: string) =>
  new DomainError({
    status: 400,
    code: 'validation_failed',
    message: 'The annotation is invalid',
    fields: [{ field, message }],
  });

const summary = (a: Annotation) => ({ assetId: a.assetId, start: a.start, end: a.end, note: a.note });

export function createAnnotationService(deps: AnnotationServiceDeps) {
  const { repo, audit } = deps;

  const record = (
    actor: AnnotationActor,
    action: string,
    id: string,
    outcome: 'success' | 'denied',
    details: Record<string, unknown>,
  ) =>
    audit.record({
      actor: actor.username,
      action,
      target: `annotation:${id}`,
      outcome,
      address: actor.address ?? null,
      details,
    });

  /** The annotation, or 404; a refused change is audited as denied, then answered 403. */
  async function owned(id: string, actor: AnnotationActor, action: string, adminMay: boolean): Promise<Annotation> {
    const found = UUID.test(id) ? await repo.get(id.toLowerCase()) : null;
    if (!found) throw notFound(id);
    const mine = found.authorId !== null && found.authorId === actor.userId;
    if (!mine && !(adminMay && actor.role === 'admin')) {
      await record(actor, action, found.id, 'denied', { author: found.authorUsername });
      throw new DomainError({
        status: 403,
        code: 'forbidden',
        message: adminMay
          ? `only its author (${found.authorUsername}) or an admin may do this`
          : `only its author (${found.authorUsername}) may edit this annotation`,
      });
    }
    return found;
  }

  return {
    list(filter: AnnotationFilter): Promise<Annotation[]> {
      return repo.list(filter);
    },

    async create(input: CreateAnnotation, actor: AnnotationActor): Promise<Annotation> {
      if (input.assetId !== null && !deps.knownAsset(input.assetId))
        throw invalid('assetId', `unknown asset "${input.assetId}"`);
      const a = await repo.create({ ...input, authorId: actor.userId, authorUsername: actor.username });
      await record(actor, 'annotation.create', a.id, 'success', summary(a));
      deps.broadcast?.created(a);
      return a;
    },

    async update(id: string, patch: PatchAnnotation, actor: AnnotationActor): Promise<Annotation> {
      const before = await owned(id, actor, 'annotation.update', false);
      const merged = { start: patch.start ?? before.start, end: patch.end === undefined ? before.end : patch.end };
      const problem = rangeProblem(merged);
      if (problem) throw invalid(problem.field, problem.message);
      const a = await repo.update(before.id, patch);
      if (!a) throw notFound(id);
      await record(actor, 'annotation.update', a.id, 'success', { before: summary(before), after: summary(a) });
      deps.broadcast?.updated(a);
      return a;
    },

    async delete(id: string, actor: AnnotationActor): Promise<void> {
      const before = await owned(id, actor, 'annotation.delete', true);
      if (!(await repo.delete(before.id))) throw notFound(id);
      await record(actor, 'annotation.delete', before.id, 'success', {
        ...summary(before),
        author: before.authorUsername,
      });
      deps.broadcast?.deleted({ id: before.id, assetId: before.assetId });
    },
  };
}

export type AnnotationService = ReturnType<typeof createAnnotationService>;
