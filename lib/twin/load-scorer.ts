import type { Config } from '../config/env';
import type { Logger } from '../log';
import type { Scorer } from './scorer';

/**
 * Loads the model package to serve (MODEL, else the newest version of the first package under
 * MODELS_DIR). Never throws: without a usable model the console runs degraded (readings stream,
 * predictions are marked unavailable with the reason).
 */
export async function loadActiveScorer(config: Config, logger: Logger): Promise<{ scorer: Scorer | null; problem: string | null }> {
  void config;
  logger.warn('model runtime not wired yet: running without predictions');
  return { scorer: null, problem: 'model runtime not wired yet' };
}
