/**
 * One loaded model version as the console serves it: the model, a count of the calls running on it
 * and of its failed runs in a row. A retired entry (replaced by an activation) disposes its ONNX
 * session only once the last of those calls has finished, so a swap never cuts a request. It does
 * not wrap the model's calls: the serving views (model-serving.ts, serving-scorer.ts) are the one
 * layer between callers and the model, and run each call through `use`.
 */
import type { PackageSource, TwinModel } from '../model';

export class ModelEntry {
  private inFlight = 0;
  private retired = false;
  private failedRuns = 0;
  private disposal: Promise<void> | null = null;

  constructor(
    readonly model: TwinModel,
    readonly source: PackageSource,
  ) {}

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

  /** Counts a run's outcome (null: it worked); returns the failed runs in a row (0 after a success). */
  recordRun(err: unknown): number {
    this.failedRuns = err ? this.failedRuns + 1 : 0;
    return this.failedRuns;
  }

  /** A fresh start for the failure count (the entry was just put into service). */
  resetFailures(): void {
    this.failedRuns = 0;
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
