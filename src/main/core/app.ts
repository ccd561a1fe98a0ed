import { join } from 'node:path';
import {
  EMBEDDED_CONFIG_SOURCE,
  type AppState,
  type BoardSummary,
  type InboxItem,
  type SyncLogEntry,
  type WebhookReceiver,
} from '../../shared/model';
import { embeddedAgents, OnboardingRepo } from './agents/embedded';
import { ProcessRegistry } from './agents/providers/process-registry';
import { AgentRuntime, type AgentRuntimeOptions } from './agents/runtime';
import { describeProblems, type Problem } from '../../shared/validation';
import type { Handlers } from './api/dispatch';
import { createHandlers } from './api/handlers';
import type { CoreServices } from './api/services';
import { BoardSet } from './board-set';
import { LocalBoardStore } from './boards';
import { SavedBoardsRepo, savedToConfig } from './boards/saved-boards';
import { checkAgent, SavedAgentsRepo } from './agents/saved-agents';
import { defaultConfig, loadConfigFile, type BoardConfig, type DeckhandConfig } from './config';
import type { EngineHooks } from './engine/board-context';
import { BRAKE_ACTOR, type RunnerOptions } from './engine/board-runner';
import { rulesFromConfig } from './engine/ownership';
import { SyncEngine } from './engine/sync-engine';
import { EventBus } from './events';
import { buildInbox } from './inbox';
import { createLogger } from './logger';
import { EnvSecretStore } from './secrets/env-store';
import { KeychainSecretStore } from './secrets/keychain-store';
import type { SecretBackends } from './secrets/resolve';
import { lockDataDir, type DataDirLock } from './store/data-lock';
import { closeDatabase, openDatabase, schemaVersion } from './store/database';
import { LogRepo, type LogFilter } from './store/log-repo';
import { OwnershipRepo } from './store/ownership-repo';
import { PauseRepo, type PauseScope } from './store/pause-repo';
import { SettingsRepo } from './store/settings-repo';
import { VERSION } from './version';
import { McpAuth } from './mcp/auth';
import { McpConnections } from './mcp/connections';
import type { McpEndpoint } from './mcp/endpoint';
import { McpWork } from './mcp/work';

const log = createLogger('core');

export interface CoreOptions {
  dataDir: string;
  /** YAML/JSON config; without it the core runs on the embedded default (the local board). */
  configPath?: string;
  /** Defaults to the OS keychain plus the env vars the config references. */
  secrets?: SecretBackends;
  /** Start polling and outbox delivery (default true). Tests that step the engine by hand pass false. */
  startEngine?: boolean;
  runner?: Partial<RunnerOptions>;
  hooks?: EngineHooks;
  /** Agent runtime tuning (tests: providers, settings, clock). */
  agents?: Pick<AgentRuntimeOptions, 'settings' | 'providerFor' | 'stream' | 'demoDelayMs' | 'now' | 'autoStart'> & {
    /** Look for Ollama / LM Studio on localhost for the embedded default (default true; env DECKHAND_PROBE_LOCAL_LLM=0). */
    probeLocalLlm?: boolean;
    /** Where onboarding looks for local model servers (tests; default Ollama and LM Studio). */
    localLlmServers?: readonly { name: string; baseUrl: string }[];
    /** How long "Test the model" waits (tests shorten it). */
    modelTestTimeoutMs?: number;
  };
}

export interface Core {
  handlers: Handlers;
  events: EventBus;
  config: DeckhandConfig;
  engine: SyncEngine;
  localBoards: LocalBoardStore;
  agents: AgentRuntime;
  /** MCP agents' endpoint (served at /mcp by the HTTP server and the desktop listener). */
  mcp: McpEndpoint;
  getState(): AppState;
  /** The sync log, oldest first, streamed (JSONL export). */
  logEntries(filter?: LogFilter): Iterable<SyncLogEntry>;
  pauseAll(by: string, reason?: string): AppState;
  resumeAll(by: string): AppState;
  /** Where this Deckhand receives board webhooks (the HTTP server or the desktop listener), or why it does not. */
  setWebhookReceiver(receiver: WebhookReceiver): void;
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

function loadConfig(configPath?: string): { config: DeckhandConfig; source: string; embedded: boolean } {
  if (!configPath) return { config: defaultConfig(), source: EMBEDDED_CONFIG_SOURCE, embedded: true };
  const result = loadConfigFile(configPath);
  if (!result.ok) throw new ConfigInvalidError(configPath, result.problems);
  return { config: result.config, source: configPath, embedded: false };
}

/** Builds the whole core for one data directory. Both the Electron main process and `deckhand serve` use it. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const loaded = loadConfig(options.configPath);
  // One Deckhand per data folder: a second would open the same database and sync every change twice.
  const lock = lockDataDir(options.dataDir);
  try {
    return await buildCore(options, loaded, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function buildCore(
  options: CoreOptions,
  loaded: ReturnType<typeof loadConfig>,
  lock: DataDirLock,
): Promise<Core> {
  const { source, embedded } = loaded;
  // The embedded default comes with one agent on the local board: a local model if one answers, else the demo.
  const probeLocalLlm = options.agents?.probeLocalLlm ?? process.env.DECKHAND_PROBE_LOCAL_LLM !== '0';
  const db = openDatabase(options.dataDir);
  // What onboarding chose for the default agent (its model, its board) applies again on every start.
  const onboarding = new OnboardingRepo(db);
  const choice = embedded ? onboarding.get() : undefined;
  const setupAgents =
    embedded && !choice?.removed ? await embeddedAgents({ probe: probeLocalLlm, ...(choice ? { choice } : {}) }) : [];
  const config: DeckhandConfig = embedded
    ? { ...loaded.config, agents: [...loaded.config.agents, ...setupAgents] }
    : loaded.config;
  const defaultAgent = setupAgents.at(-1);
  const configAgentIds = new Set(loaded.config.agents.map((a) => a.id));
  const events = new EventBus();
  const pauses = new PauseRepo(db);
  const logRepo = new LogRepo(db);
  const ownership = new OwnershipRepo(db);
  const ownershipFallback = rulesFromConfig(config.ownership);
  const secrets = options.secrets ?? {
    keychain: new KeychainSecretStore(),
    env: new EnvSecretStore(process.env, envSecretNames(config)),
  };
  const localBoards = new LocalBoardStore(db);
  const startedAt = new Date();

  // Built once the engine exists; the engine's hook and state() reach it through this.
  const live: { agents?: AgentRuntime } = {};
  const engine: SyncEngine = new SyncEngine({
    db,
    events,
    log: logRepo,
    pauses,
    boards: [],
    ownership: (boardId) => ownership.current(boardId, ownershipFallback).rules,
    // The agent runtime queues runs inside the transaction that records a human change.
    hooks: {
      onHumanChange: (change) => {
        live.agents?.onHumanChange(change);
        options.hooks?.onHumanChange?.(change);
      },
    },
    runner: { ...options.runner, ...(options.startEngine === false ? { autoStart: false } : {}) },
    runnerFor: (boardId): Partial<RunnerOptions> => {
      const poll: { interval?: number; requests_per_minute?: number } | undefined = boards.get(boardId)?.config.poll;
      return {
        ...(poll?.interval ? { pollIntervalMs: poll.interval } : {}),
        ...(poll?.requests_per_minute ? { requestsPerMinute: poll.requests_per_minute } : {}),
      };
    },
  });
  const adapterDeps = { db, secrets, localStore: localBoards };
  const boards: BoardSet = new BoardSet(engine, adapterDeps);
  const savedBoards = new SavedBoardsRepo(db);
  for (const board of config.boards) await boards.connect(board, 'config');
  for (const saved of savedBoards.list()) {
    if (boards.get(saved.id)) {
      log.warn(`board ${saved.id} saved in the app is shadowed by the config file's board with the same id`);
      continue;
    }
    const checked = savedToConfig(saved, saved.secretKeys);
    if (checked.ok) await boards.connect(checked.board, 'app');
    else boards.fail({ id: saved.id, type: saved.type } as BoardConfig, 'app', describeProblems(checked.problems));
  }
  if (embedded) localBoards.seedSampleTasks('local');
  // Agents saved in the app, once their boards are known. The config file wins where it declares the same id.
  const savedAgents = new SavedAgentsRepo(db);
  for (const saved of savedAgents.list()) {
    if (configAgentIds.has(saved.id)) {
      log.warn(`agent ${saved.id} saved in the app is shadowed by the config file's agent with the same id`);
      continue;
    }
    const checked = checkAgent(
      saved.config,
      boards.list().map((b) => b.config.id),
    );
    if (!checked.ok) {
      log.warn(
        `agent ${saved.id} saved in the app is not valid and does not run: ${describeProblems(checked.problems)}`,
      );
      continue;
    }
    const at = config.agents.findIndex((a) => a.id === saved.id);
    if (at >= 0) config.agents[at] = checked.agent;
    else config.agents.push(checked.agent);
  }
  if (defaultAgent && !savedAgents.get(defaultAgent.id) && !boards.get(defaultAgent.board)) {
    log.warn(`board ${defaultAgent.board} chosen for agent ${defaultAgent.id} is gone; it works on the local board`);
    defaultAgent.board = 'local';
  }

  // Comments do not change a task's version: a run waiting for an answer hears of one this way, from any board.
  engine.onHint((boardId, hint) => {
    if (hint.kind !== 'comment') return;
    for (const taskId of hint.taskIds) live.agents?.nudge(boardId, taskId);
  });

  let webhookReceiver: WebhookReceiver = { error: 'no webhook listener is running' };

  const inbox = (): InboxItem[] =>
    live.agents ? buildInbox({ agents: live.agents, engine, boards, boardPause: (id) => pauses.get('board', id) }) : [];

  let stateRevision = 0;
  const state = (): AppState => {
    stateRevision += 1;
    const globalPause = pauses.get('global');
    const runtime = new Map(engine.boardSummaries().map((b) => [b.id, b]));
    const boardList: BoardSummary[] = boards.list().map(({ config: b, error }) => {
      const live = runtime.get(b.id);
      return {
        id: b.id,
        type: b.type,
        name: b.name ?? b.id,
        status: error ? 'error' : (live?.status ?? 'idle'),
        ...(live?.lastPollAt ? { lastPollAt: live.lastPollAt } : {}),
        ...(live?.nextPollAt ? { nextPollAt: live.nextPollAt } : {}),
        ...(live?.pause ? { pause: live.pause } : {}),
        ...(error || live?.error ? { error: error ?? live?.error } : {}),
        ...(live?.requestsPerMinute ? { requestsPerMinute: live.requestsPerMinute } : {}),
        ...(live?.webhook ? { webhook: live.webhook } : {}),
      };
    });
    const outbox = engine.outbox.counts();
    return {
      revision: stateRevision,
      version: VERSION,
      startedAt: startedAt.toISOString(),
      pause: globalPause,
      configSource: source,
      webhooks: { ...webhookReceiver },
      boards: boardList,
      agents: live.agents?.summaries() ?? [],
      counts: {
        outbox: outbox.pending,
        conflicts: engine.conflicts.openCount(),
        errors: outbox.parked + boardList.filter((b) => b.status === 'error').length,
        blockedOnHuman: live.agents?.blockedOnHuman() ?? 0,
        inbox: inbox().length,
      },
    };
  };

  const publishState = (): AppState => {
    const s = state();
    events.emit('state.changed', s);
    return s;
  };
  // Status flips during a busy sync are coalesced into one state.changed per tick.
  let statusTimer: NodeJS.Timeout | undefined;
  const schedulePublish = (): void => {
    statusTimer ??= setTimeout(() => {
      statusTimer = undefined;
      if (db.open) publishState();
    }, 50);
  };
  engine.onStatusChange(schedulePublish);

  const setPause = (scope: PauseScope, target: string, paused: boolean, by: string, reason?: string): AppState => {
    const what = scope === 'global' ? 'all agents' : `${scope} ${target}`;
    const braked = scope === 'board' && pauses.get('board', target).by === BRAKE_ACTOR;
    engine.journal.transaction((append) => {
      if (paused) {
        pauses.pause(scope, target, by, reason);
        append({
          actor: by,
          action: `${scope}.paused`,
          ...(scope === 'board' ? { boardId: target } : {}),
          ...(reason ? { reason } : {}),
          ...(scope === 'agent' ? { after: { agent: target } } : {}),
        });
      } else if (pauses.resume(scope, target)) {
        append({
          actor: by,
          action: `${scope}.resumed`,
          ...(scope === 'board' ? { boardId: target } : {}),
          ...(scope === 'agent' ? { after: { agent: target } } : {}),
        });
      }
    });
    log.info(`${what} ${paused ? 'paused' : 'resumed'} by ${by}${reason ? `: ${reason}` : ''}`);
    if (!paused && scope === 'board') {
      // Resuming after the deletion brake is the person's confirmation that the tasks really are gone.
      if (braked) engine.runner(target).confirmDeletions();
      engine.runner(target).kickOutbox();
    }
    if (!paused && scope === 'global') {
      for (const b of engine.boardSummaries()) engine.runner(b.id).kickOutbox();
    }
    return publishState();
  };

  const runtime = new AgentRuntime({
    db,
    engine,
    events,
    log: logRepo,
    pauses,
    agents: config.agents,
    agentDefaults: config.agent_defaults,
    boardConfig: (boardId) => boards.get(boardId)?.config,
    secrets,
    secretEnvNames: envSecretNames(config),
    setPause: (scope, target, paused, by, reason) => void setPause(scope, target, paused, by, reason),
    onStateChange: schedulePublish,
    processes: new ProcessRegistry(join(options.dataDir, 'agent-processes')),
    ...options.agents,
  });
  live.agents = runtime;

  const mcpConnections = new McpConnections();
  runtime.describeMcpConnections((id) => mcpConnections.describe(id));
  const mcp: McpEndpoint = {
    auth: new McpAuth(() => runtime.agentConfigs(), secrets),
    work: new McpWork({
      engine,
      runtime,
      pauses,
      ownership: (boardId) => ownership.current(boardId, ownershipFallback).rules,
      onCall: (agentId, tool) => {
        mcpConnections.called(agentId, tool);
        runtime.announce(agentId);
      },
    }),
  };

  const services: CoreServices = {
    db,
    version: VERSION,
    startedAt,
    events,
    settings: new SettingsRepo(db),
    log: logRepo,
    secrets,
    engine,
    boards,
    savedBoards,
    adapterDeps,
    ownership,
    ownershipFallback,
    schemaVersion: () => schemaVersion(db),
    state,
    publishState,
    setPause,
    inbox,
    agents: runtime,
    agentConfigs: { repo: savedAgents, configAgentIds, forgetMcpToken: (id) => mcp.auth.forget(id) },
    onboarding: {
      embedded,
      defaultAgentId: defaultAgent?.id,
      repo: onboarding,
      probeLocalLlm,
      ...(options.agents?.localLlmServers ? { localLlmServers: options.agents.localLlmServers } : {}),
      ...(options.agents?.modelTestTimeoutMs ? { modelTestTimeoutMs: options.agents.modelTestTimeoutMs } : {}),
    },
  };

  // The runtime knows the boards' columns before the first poll can report a human change to it.
  await runtime.start();
  engine.start();
  let closed = false;
  return {
    handlers: createHandlers(services),
    events,
    config,
    engine,
    localBoards,
    agents: runtime,
    mcp,
    getState: state,
    logEntries: (filter) => logRepo.iterate(filter),
    pauseAll: (by, reason) => setPause('global', '', true, by, reason),
    resumeAll: (by) => setPause('global', '', false, by),
    setWebhookReceiver(receiver) {
      webhookReceiver = receiver;
      if (!closed) schedulePublish();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (statusTimer) clearTimeout(statusTimer);
      await runtime.close();
      await engine.stop();
      closeDatabase(db);
      lock.release();
      log.info('core closed');
    },
  };
}
