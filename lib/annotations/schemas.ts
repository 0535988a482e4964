/**
 * The annotation API's inputs (issue 18), one zod schema each: used by the route handlers, the
 * OpenAPI document and the dashboard's "Annotate" form alike. Times are epoch ms or ISO 8601 with
 * a zone; answers carry epoch ms.
 */
import { z } from 'zod';

export const NOTE_MAX = 500;
/** A range longer than this is refused: a note on a year of data says nothing about a moment. */
export const MAX_RANGE_MS = 366 * 86_400_000;
/** Later than any plausible plant time (year 9999), as the history query bounds it. */
const MAX_INSTANT_MS = 253_402_300_799_999;

const instant = (name: string) =>
  z
    .union([z.number({ error: `${name} must be epoch ms or an ISO 8601 date-time with a zone` }), z.string()], {
      error: `${name} must be epoch ms or an ISO 8601 date-time with a zone`,
    })
    .transform((v, ctx) => {
      const ms =
        typeof v === 'number'
          ? v
          : z.iso.datetime({ offset: true }).safeParse(v.trim()).success
            ? Date.parse(v.trim())
            : Number.NaN;
      if (!Number.isInteger(ms) || ms < 0 || ms > MAX_INSTANT_MS) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be epoch ms (a whole number from 0) or an ISO 8601 date-time with a zone`,
        });
        return z.NEVER;
      }
      return ms;
    });

const note = z
  .string({ error: 'note is required (text, 1 to 500 characters)' })
  .trim()
  .min(1, 'note must not be empty')
  .max(NOTE_MAX, `note must be at most ${NOTE_MAX} characters`);

const assetId = z
  .string({ error: 'assetId must be an asset id, or null for the whole plant' })
  .trim()
  .min(1, 'assetId must be an asset id, or null for the whole plant')
  .max(100, 'assetId is too long')
  .nullable();

/** The checks on a whole annotation (a new one, or an existing one with a patch applied). */
export function rangeProblem(a: { start: number; end: number | null }): { field: string; message: string } | null {
  if (a.end === null) return null;
  if (a.end < a.start) return { field: 'end', message: 'end must not be before start' };
  if (a.end - a.start > MAX_RANGE_MS) return { field: 'end', message: 'a range may span at most one year' };
  return null;
}

export const createAnnotationSchema = z
  .strictObject({
    assetId: assetId.default(null),
    start: instant('start'),
    end: instant('end').nullable().default(null),
    note,
  })
  .superRefine((a, ctx) => {
    const p = rangeProblem(a);
    if (p) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
  });

/** Some of an annotation's fields; the range is checked again once merged (lib/annotations/service). */
export const patchAnnotationSchema = z
  .strictObject({
    start: instant('start').optional(),
    end: instant('end').nullable().optional(),
    note: note.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'send at least one of start, end, note' });

/** GET /api/v1/annotations query string: those overlapping [from, to], of one asset (plus plant-wide). */
export const annotationQuerySchema = z
  .strictObject({
    assetId: z.string().trim().min(1, 'assetId must not be empty').max(100).optional(),
    from: instantText('from'),
    to: instantText('to'),
  })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.to < q.from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
  });

/** A query-string instant: epoch ms digits or ISO 8601, optional. */
function instantText(name: string) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const t = v.trim();
      const ms = /^\d{1,15}$/.test(t)
        ? Number(t)
        : z.iso.datetime({ offset: true }).safeParse(t).success
          ? Date.parse(t)
          : Number.NaN;
      if (Number.isNaN(ms) || ms > MAX_INSTANT_MS) {
        ctx.addIssue({ code: 'custom', message: `${name} must be epoch ms or an ISO 8601 date-time with a zone` });
        return z.NEVER;
      }
      return ms;
    });
}

export type CreateAnnotation = z.output<typeof createAnnotationSchema>;
export type PatchAnnotation = z.output<typeof patchAnnotationSchema>;
export type AnnotationQuery = z.output<typeof annotationQuerySchema>;
