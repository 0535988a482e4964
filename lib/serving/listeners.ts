/**
 * A set of listeners for one kind of lifecycle event (model changes, drift). A listener that
 * throws is logged and skipped: it never stops the others, nor the change that fired it.
 */
import type { Logger } from '../log';

export class Listeners<T extends unknown[]> {
  private readonly set = new Set<(...args: T) => void>();

  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  /** Adds `listener`; returns the unsubscribe. */
  add(listener: (...args: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(...args: T): void {
    for (const l of this.set) {
      try {
        l(...args);
      } catch (err) {
        this.log.warn({ err }, `${this.what} listener failed`);
      }
    }
  }
}
