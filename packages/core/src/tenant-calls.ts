import type { CollectionStage } from './failures';

/** Runs one step; the pipeline wraps it so a failure names the step, the AWS code and a fix. */
export type DetailStep = <T>(stage: CollectionStage, action: () => Promise<T>) => Promise<T>;

/** A concurrency limit (p-limit's shape): runs the call when a slot is free. */
export type CallLimit = <T>(call: () => Promise<T>) => Promise<T>;

/**
 * The calls one tenant's collection runs side by side (tags, OU names, contacts, Regions), each
 * under the step it belongs to. The first failure stops every call not yet started and is the one
 * the tenant reports; calls already in flight are reads without side effects, so they are left to
 * finish and their outcome is ignored. Calls may be started while others run (as ListAccounts
 * pages arrive), and `settle` waits for all of them.
 */
export class TenantCalls {
  private readonly pending: Promise<void>[] = [];
  private failure: { readonly error: unknown } | undefined;

  constructor(private readonly step: DetailStep) {}

  /** True once a call failed (or `fail` was called): nothing new starts. */
  get stopped(): boolean {
    return this.failure !== undefined;
  }

  /** Starts one call now, or when `limit` has a free slot; it never throws here. */
  start(stage: CollectionStage, call: () => Promise<void>, limit?: CallLimit): void {
    const run = async (): Promise<void> => {
      if (this.failure) return;
      try {
        await this.step(stage, call);
      } catch (error) {
        this.fail(error);
      }
    };
    this.pending.push(limit ? limit(run) : run());
  }

  /** Records a failure from outside (ListAccounts itself); the first failure is the one kept. */
  fail(error: unknown): void {
    this.failure ??= { error };
  }

  /** Waits for every call started, including those started while waiting; throws the first failure. */
  async settle(): Promise<void> {
    for (let index = 0; index < this.pending.length; index += 1) {
      if (this.failure) break;
      await this.pending[index];
    }
    if (this.failure) throw this.failure.error;
  }
}
