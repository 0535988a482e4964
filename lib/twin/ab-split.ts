/**
 * The A/B test's routing decision: each prediction (a pipeline row, an API request) goes to the
 * challenger with probability `share`, independently of the others.
 */
import { z } from 'zod';

export const abConfigSchema = z.strictObject({
  name: z.string().min(1).max(200),
  version: z.string().min(1).max(200),
  /** Fraction of predictions sent to the challenger, 0 < share < 1. */
  share: z.number().gt(0, 'share must be above 0').lt(1, 'share must be below 1 (promote the challenger instead)'),
});

export type AbConfig = z.infer<typeof abConfigSchema>;

/** true: this prediction goes to the challenger. */
export function toChallenger(share: number, random: () => number = Math.random): boolean {
  return random() < share;
}

/** For each of `n` rows, whether it goes to the challenger. */
export function splitRows(n: number, share: number, random: () => number = Math.random): boolean[] {
  return Array.from({ length: n }, () => toChallenger(share, random));
}
