/**
 * The A/B test's routing decision: each prediction (a pipeline row, an API request) goes to the
 * challenger with probability `share`, independently of the others. In `shadow` mode nothing is
 * routed to the challenger: it scores every live point beside the serving version, unseen, and
 * only its figures accrue (serving-scorer.ts `servingScorer`). Which versions can be compared at
 * all: `incompatibility`.
 */
import { z } from 'zod';
import type { TwinModel } from '../model';

export const abConfigSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    version: z.string().min(1).max(200),
    /** split: the challenger serves `share` of predictions; shadow: it serves none and scores every live point. */
    mode: z.enum(['split', 'shadow'], { error: 'mode must be split or shadow' }).default('split'),
    /** Fraction of predictions sent to the challenger, 0 < share < 1 (split only). */
    share: z
      .number()
      .gt(0, 'share must be above 0')
      .lt(1, 'share must be below 1 (promote the challenger instead)')
      .optional(),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.mode === 'split' && cfg.share === undefined)
      ctx.addIssue({ code: 'custom', path: ['share'], message: 'share is required for a split test (0 < share < 1)' });
    if (cfg.mode === 'shadow' && cfg.share !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['share'],
        message: 'a shadow test sends no prediction to the challenger: leave share out',
      });
  });

export type AbConfig = z.infer<typeof abConfigSchema>;
export type AbMode = AbConfig['mode'];

/** true: this prediction goes to the challenger. */
export function toChallenger(share: number, random: () => number = Math.random): boolean {
  return random() < share;
}

/** For each of `n` rows, whether it goes to the challenger. */
export function splitRows(n: number, share: number, random: () => number = Math.random): boolean[] {
  return Array.from({ length: n }, () => toChallenger(share, random));
}

/** Why `b` cannot take rows scored for `a` (same features in the same order, same target), or null. */
export function incompatibility(a: TwinModel, b: TwinModel): string | null {
  const fa = a.manifest.features.map((f) => f.name).join(',');
  const fb = b.manifest.features.map((f) => f.name).join(',');
  if (fa !== fb)
    return `${b.manifest.name} ${b.manifest.version} takes features [${fb}], the serving model [${fa}]: both must take the same`;
  if (a.manifest.target.name !== b.manifest.target.name)
    return `${b.manifest.name} ${b.manifest.version} predicts ${b.manifest.target.name}, the serving model ${a.manifest.target.name}`;
  return null;
}
