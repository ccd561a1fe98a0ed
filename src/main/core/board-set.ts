import type { BoardConfig } from './config';
import type { SyncEngine } from './engine/sync-engine';
import { createLogger } from './logger';
import { boardModule, createAdapter, type AdapterDeps } from './boards';

const log = createLogger('boards');

export interface BoardEntry {
  config: BoardConfig;
  /** Declared in the config file (read-only in the UI) or added from the app. */
  source: 'config' | 'app';
  /** Why the board is not syncing, when its adapter could not start. */
  error?: string;
}

/**
 * The boards Deckhand knows, wherever they were declared, and their
 * connection to the engine. A board whose adapter cannot start stays listed,
 * in error, instead of taking the app down.
 */
export class BoardSet {
  private readonly entries = new Map<string, BoardEntry>();

  constructor(
    private readonly engine: SyncEngine,
    private readonly deps: AdapterDeps,
  ) {}

  async connect(config: BoardConfig, source: BoardEntry['source']): Promise<BoardEntry> {
    const entry: BoardEntry = { config, source };
    this.entries.set(config.id, entry);
    try {
      this.engine.addBoard(await createAdapter(config, this.deps), boardModule(config.type)?.syncPolicy);
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
      log.warn(`board ${config.id}: ${entry.error}`);
    }
    return entry;
  }

  /** Records a board that could not even be described (e.g. a saved board that no longer validates). */
  fail(config: BoardConfig, source: BoardEntry['source'], error: string): void {
    this.entries.set(config.id, { config, source, error });
  }

  async disconnect(id: string): Promise<void> {
    await this.engine.removeBoard(id);
    this.entries.delete(id);
  }

  get(id: string): BoardEntry | undefined {
    return this.entries.get(id);
  }

  list(): BoardEntry[] {
    return [...this.entries.values()];
  }
}
