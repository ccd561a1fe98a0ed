import type { Intent } from '../engine/intents';
import { IntentRejected, type SubmitResult, type SyncEngine } from '../engine/sync-engine';
import type { OutboxEntry } from '../store/outbox-repo';

/** The run reached a safe point while its agent (or all agents, or its board) is paused. */
export class PausedAtSafePoint extends Error {
  constructor(readonly why: string) {
    super(`paused: ${why}`);
    this.name = 'PausedAtSafePoint';
  }
}

/** A write the run depends on did not reach the board. */
export class DeliveryFailed extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryFailed';
  }
}

/** Wakes sleepers early when something happens (a log entry is committed), else after their timeout. */
export class Waker {
  private readonly sleepers = new Set<() => void>();

  wake(): void {
    for (const s of [...this.sleepers]) s();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}

export interface EffectsOptions {
  engine: SyncEngine;
  waker: Waker;
  /** How long a run waits for its writes before it fails (retryably). */
  deliveryTimeoutMs: number;
}

/**
 * The only way the runtime changes a board: intents through the engine's
 * outbox (ownership-checked, idempotent by scope), then waiting until the
 * board has them. Waiting is a safe point when delivery itself is held by a pause.
 */
export class Effects {
  constructor(private readonly opts: EffectsOptions) {}

  submit(intent: Intent): SubmitResult {
    try {
      return this.opts.engine.submitIntent(intent);
    } catch (err) {
      if (err instanceof IntentRejected)
        throw new DeliveryFailed(`the engine refused the write: ${err.message}`, false);
      throw err;
    }
  }

  /**
   * Resolves when every entry is delivered (or was never queued because
   * ownership refused all of it). `held()` names a pause that holds the
   * outbox; the run then stops here and replays on resume.
   */
  async delivered(
    keys: readonly string[],
    held: () => string | undefined,
    onProgress?: (done: number, total: number) => void,
  ): Promise<OutboxEntry[]> {
    const deadline = Date.now() + this.opts.deliveryTimeoutMs;
    for (;;) {
      const entries = keys.map((k) => this.opts.engine.outbox.byKey(k));
      onProgress?.(entries.filter((e) => e?.state === 'done').length, keys.length);
      const parked = entries.find((e) => e?.state === 'parked');
      if (parked) throw new DeliveryFailed(`the board refused a write: ${parked.lastError ?? 'unknown error'}`, false);
      if (entries.every((e) => e === undefined || e.state === 'done')) {
        return entries.filter((e): e is OutboxEntry => e !== undefined);
      }
      const why = held();
      if (why) throw new PausedAtSafePoint(why);
      if (Date.now() > deadline) {
        const waiting = entries.find((e) => e && e.state === 'pending');
        throw new DeliveryFailed(
          `a write did not reach the board in time${waiting?.lastError ? `: ${waiting.lastError}` : ''}`,
          true,
        );
      }
      await this.opts.waker.sleep(250);
    }
  }
}
