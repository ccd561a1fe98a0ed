import type { AppState } from '../../shared/model';
import type { Problem } from '../../shared/validation';
import { createHandlers } from './api/handlers';
import type { Handlers } from './api/dispatch';
import type { CoreServices } from './api/services';
import { defaultConfig, loadConfigFile, type DeckhandConfig } from './config';
import { EventBus } from './events';
import { createLogger } from './logger';
import { EnvSecretStore } from './secrets/env-store';
import { KeychainSecretStore } from './secrets/keychain-store';
import type { SecretBackends } from './secrets/resolve';
import { closeDatabase, openDatabase, schemaVersion } from './store/database';
import { LogRepo } from './store/log-repo';
import { PauseRepo } from './store/pause-repo';
import { SettingsRepo } from './store/settings-repo';
import { VERSION } from './version';

const log = createLogger('core');

export interface CoreOptions {
  dataDir: string;
  /** YAML/JSON config; without it the core runs on the embedded default (the local board). */
  configPath?: string;
  /** Defaults to the OS keychain plus the env vars the config references. */
  secrets?: SecretBackends;
}

export interface Core {
  handlers: Handlers;
  events: EventBus;
  config: DeckhandConfig;
  getState(): AppState;
  pauseAll(by: string, reason?: string): AppState;
  resumeAll(by: string): AppState;
  /** Stops work and closes the database; safe to call twice. */
  close(): Promise<void>;
}

export class ConfigInvalidError extends Error {
  constructor(
    readonly source: string,
    readonly problems: Problem[],
  ) {
    super(`${source} is not a valid Deckhand config:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigInvalidError';
  }
}

/** Every `{ env: NAME }` in the config, so the env backend can list what is set without guessing. */
function envSecretNames(config: DeckhandConfig): string[] {
  const names = new Set<string>();
  JSON.stringify(config, (key, value: unknown) => {
    if (key === 'env' && typeof value === 'string') names.add(value);
    return value;
  });
  return [...names];
}

function loadConfig(configPath?: string): { config: DeckhandConfig; source: string } {
  if (!configPath) return { config: defaultConfig(), source: 'embedded default' };
  const result = loadConfigFile(configPath);
  if (!result.ok) throw new ConfigInvalidError(configPath, result.problems);
  return { config: result.config, source: configPath };
}

/** Builds the whole core for one data directory. Both the Electron main process and `deckhand serve` use it. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const { config, source } = loadConfig(options.configPath);
  const db = openDatabase(options.dataDir);
  const events = new EventBus();
  const pauses = new PauseRepo(db);
  const secrets = options.secrets ?? {
    keychain: new KeychainSecretStore(),
    env: new EnvSecretStore(process.env, envSecretNames(config)),
  };
  const startedAt = new Date();

  const state = (): AppState => {
    const globalPause = pauses.get('global');
    return {
      version: VERSION,
      startedAt: startedAt.toISOString(),
      pause: globalPause,
      configSource: source,
      boards: config.boards.map((b) => {
        const boardPause = pauses.get('board', b.id);
        return {
          id: b.id,
          type: b.type,
          name: b.name ?? b.id,
          status: globalPause.paused || boardPause.paused ? 'paused' : 'idle',
        };
      }),
      agents: config.agents.map((a) => {
        const agentPause = pauses.get('agent', a.id);
        const pause = globalPause.paused ? globalPause : agentPause;
        return { id: a.id, board: a.board, workflow: a.workflow, status: pause.paused ? 'paused' : 'idle', pause };
      }),
      // The engine and agent runtime fill these in; until they run, there is nothing pending.
      counts: { outbox: 0, conflicts: 0, errors: 0, blockedOnHuman: 0 },
    };
  };

  const logRepo = new LogRepo(db);
  const publishState = (): AppState => {
    const s = state();
    events.emit('state.changed', s);
    return s;
  };

  const pauseAll = (by: string, reason?: string): AppState => {
    db.transaction(() => {
      pauses.pause('global', '', by, reason);
      logRepo.append({ actor: by, action: 'pause.all', ...(reason ? { reason } : {}) });
    })();
    log.info(`all agents paused by ${by}${reason ? `: ${reason}` : ''}`);
    return publishState();
  };

  const resumeAll = (by: string): AppState => {
    db.transaction(() => {
      if (pauses.resume('global')) logRepo.append({ actor: by, action: 'resume.all' });
    })();
    log.info(`all agents resumed by ${by}`);
    return publishState();
  };

  const services: CoreServices = {
    db,
    version: VERSION,
    startedAt,
    events,
    settings: new SettingsRepo(db),
    log: logRepo,
    secrets,
    schemaVersion: () => schemaVersion(db),
    state,
    pauseAll,
    resumeAll,
  };

  let closed = false;
  return {
    handlers: createHandlers(services),
    events,
    config,
    getState: state,
    pauseAll,
    resumeAll,
    async close() {
      if (closed) return;
      closed = true;
      closeDatabase(db);
      log.info('core closed');
    },
  };
}
