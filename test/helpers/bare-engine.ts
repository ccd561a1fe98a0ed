import type { Database } from 'better-sqlite3';
import type { BoardAdapter } from '../../src/main/core/boards/contract/adapter';
import { SyncEngine, type EngineOptions } from '../../src/main/core/engine/sync-engine';
import { EventBus } from '../../src/main/core/events';
import { LogRepo } from '../../src/main/core/store/log-repo';
import { PauseRepo } from '../../src/main/core/store/pause-repo';
import { defaultOwnershipRules } from '../../src/shared/ownership';

/**
 * A SyncEngine over the given adapters with the default ownership rules, the
 * runner's loop off (the caller drives each cycle) and the rate budget out of
 * the way: for benchmarks and crash children that measure traffic or effects,
 * not waiting.
 */
export function bareEngine(db: Database, boards: BoardAdapter[], extra: Partial<EngineOptions> = {}): SyncEngine {
  return new SyncEngine({
    db,
    events: new EventBus(),
    log: new LogRepo(db),
    pauses: new PauseRepo(db),
    boards,
    ownership: () => defaultOwnershipRules(),
    runner: { autoStart: false, requestsPerMinute: 1_000_000_000 },
    ...extra,
  });
}
