/**
 * Annotations on the trends (issue 18). Returns domain types (epoch ms times), never rows.
 * Permission and validation rules live in lib/annotations/annotation-service.ts.
 */
import { and, asc, eq, gte, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Annotation } from '../annotations/types';
import type { Db } from './client';
import { annotations } from './schema';

type Row = typeof annotations.$inferSelect;

/** Upper bound on one listing: a chart cannot show more notes than this anyway. */
export const MAX_LISTED = 1_000;

function toAnnotation(r: Row): Annotation {
  return {
    id: r.id,
    assetId: r.assetId,
    start: r.startTs.getTime(),
    end: r.endTs ? r.endTs.getTime() : null,
    note: r.note,
    authorId: r.authorId,
    authorUsername: r.authorUsername,
    createdAt: r.createdAt.getTime(),
    updatedAt: r.updatedAt.getTime(),
  };
}

export interface NewAnnotation {
  assetId: string | null;
  start: number;
  end: number | null;
  note: string;
  authorId: string;
  authorUsername: string;
}

export interface AnnotationChanges {
  start?: number;
  end?: number | null;
  note?: string;
}

export interface AnnotationFilter {
  /** One asset's annotations and the plant-wide ones; all when absent. */
  assetId?: string;
  /** Those overlapping [from, to] (a point: its time inside it). */
  from?: number;
  to?: number;
}

export function annotationsRepo(db: Db) {
  return {
    async create(a: NewAnnotation): Promise<Annotation> {
      const [row] = await db
        .insert(annotations)
        .values({
          assetId: a.assetId,
          startTs: new Date(a.start),
          endTs: a.end === null ? null : new Date(a.end),
          note: a.note,
          authorId: a.authorId,
          authorUsername: a.authorUsername,
        })
        .returning();
      return toAnnotation(row!);
    },

    async get(id: string): Promise<Annotation | null> {
      const [row] = await db.select().from(annotations).where(eq(annotations.id, id)).limit(1);
      return row ? toAnnotation(row) : null;
    },

    /** Oldest first (the order they are drawn and listed in), at most MAX_LISTED. */
    async list(f: AnnotationFilter = {}): Promise<Annotation[]> {
      const where: SQL[] = [];
      if (f.assetId !== undefined) where.push(or(eq(annotations.assetId, f.assetId), isNull(annotations.assetId))!);
      if (f.to !== undefined) where.push(lte(annotations.startTs, new Date(f.to)));
      if (f.from !== undefined)
        where.push(gte(sql`coalesce(${annotations.endTs}, ${annotations.startTs})`, new Date(f.from)));
      const rows = await db
        .select()
        .from(annotations)
        .where(where.length ? and(...where) : undefined)
        .orderBy(asc(annotations.startTs), asc(annotations.createdAt))
        .limit(MAX_LISTED);
      return rows.map(toAnnotation);
    },

    async update(id: string, c: AnnotationChanges): Promise<Annotation | null> {
      const set: Partial<typeof annotations.$inferInsert> = { updatedAt: new Date() };
      if (c.start !== undefined) set.startTs = new Date(c.start);
      if (c.end !== undefined) set.endTs = c.end === null ? null : new Date(c.end);
      if (c.note !== undefined) set.note = c.note;
      const [row] = await db.update(annotations).set(set).where(eq(annotations.id, id)).returning();
      return row ? toAnnotation(row) : null;
    },

    async delete(id: string): Promise<boolean> {
      const rows = await db.delete(annotations).where(eq(annotations.id, id)).returning({ id: annotations.id });
      return rows.length > 0;
    },
  };
}

export type AnnotationsRepo = ReturnType<typeof annotationsRepo>;
