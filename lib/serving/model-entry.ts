/**
 * One loaded model version as the console serves it: the model, its pipeline adapter and a count
 * of the calls running on it. A retired entry (replaced by an activation) disposes its ONNX
 * session only once the last of those calls has finished, so a swap never cuts a request.
 */
import type { PackageSource, TwinModel } from '../model';
import { scorerFor } from './load-scorer';
import type { Scorer } from '../twin/scorer';

export class ModelEntry {
  readonly scorer: Scorer;
  private inFlight = 0;
  private retired = false;
  private disposal: Promise<void> | null = null;

  constructor(
    readonly model: TwinModel,
    readonly source: PackageSource,
  ) {
    this.scorer = scorerFor(model);
  }

  get name(): string {
    return this.model.manifest.name;
  }

  get version(): string {
    return this.model.manifest.version;
  }

  /** `name/version`. */
  get key(): string {
    return `${this.name}/${this.version}`;
  }

  get busy(): number {
    return this.inFlight;
  }

  get isRetired(): boolean {
    return this.retired;
  }

  /**
   * Runs `fn` on the model, counted. The count goes up synchronously, before `fn` starts, so a
   * retire() that happens while `fn` awaits cannot release the session under it.
   */
  async use<T>(fn: (model: TwinModel) => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await fn(this.model);
    } finally {
      this.inFlight--;
      if (this.retired && this.inFlight === 0) void this.dispose();
    }
  }

  /**
   * No new calls will be routed here; the session goes once the running ones are done (at once
   * when none runs: the returned promise then waits for the release).
   */
  retire(): Promise<void> {
    this.retired = true;
    return this.inFlight === 0 ? this.dispose() : Promise.resolve();
  }

  /** Resolves once the session is released (waits for running calls). */
  async drained(timeoutMs = 30_000): Promise<void> {
    const t0 = Date.now();
    while (this.inFlight > 0 && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 10));
    await this.dispose();
  }

  private dispose(): Promise<void> {
    return (this.disposal ??= this.model.dispose().catch(() => undefined));
  }
}
