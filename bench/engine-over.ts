import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BoardAdapter } from '../src/main/core/boards/contract/adapter';
import { closeDatabase, openDatabase } from '../src/main/core/store/database';
import { bareEngine } from '../test/helpers/bare-engine';

export interface BenchEngine {
  /** One poll cycle of the board's runner, as the sync loop runs it. */
  poll(): Promise<void>;
  fullReconcile(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A SyncEngine over one connected adapter on a real SQLite file in a temporary
 * folder, with the runner's loop off (the benchmark drives each cycle) and
 * the rate budget out of the way (it would measure waiting, not traffic).
 */
export function engineOver(adapter: BoardAdapter): BenchEngine {
  const dir = mkdtempSync(join(tmpdir(), 'deckhand-bench-'));
  const db = openDatabase(dir);
  const engine = bareEngine(db, [adapter]);
  const runner = engine.runner(adapter.boardId);
  return {
    poll: async () => void (await runner.poll()),
    fullReconcile: async () => void (await runner.fullReconcile()),
    stop: async () => {
      await engine.stop();
      closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Syncs the board once, then runs the cycle to measure: one idle poll after `resetStats`. */
export async function idlePollAfterSync(engine: BenchEngine, resetStats: () => void): Promise<void> {
  await engine.fullReconcile();
  await engine.poll();
  resetStats();
  await engine.poll();
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Requests and bytes (both directions) a fake server counted. */
export interface Traffic {
  requests: number;
  bytes: number;
}

export const trafficOf = (s: { requests: number; bytesIn: number; bytesOut: number }): Traffic => ({
  requests: s.requests,
  bytes: s.bytesIn + s.bytesOut,
});

/** A fake board server as the benches use it: stats to read and reset, and a stop. */
export interface CountingFake {
  stats: { requests: number; bytesIn: number; bytesOut: number };
  resetStats(): void;
  close(): Promise<void>;
}

/** One idle poll cycle after a full sync, then the naive loop on the same board; the fake is closed after. */
export async function idleVersusNaive(
  fake: CountingFake,
  adapter: BoardAdapter,
  naiveLoop: () => Promise<void>,
): Promise<{ engine: Traffic; naive: Traffic }> {
  try {
    const engine = engineOver(adapter);
    await idlePollAfterSync(engine, () => fake.resetStats());
    const engineTraffic = trafficOf(fake.stats);
    await engine.stop();
    fake.resetStats();
    await naiveLoop();
    return { engine: engineTraffic, naive: trafficOf(fake.stats) };
  } finally {
    await fake.close();
  }
}
