import type { Database } from 'better-sqlite3';
import type { AgentRuntime } from '../agents/runtime';
import type { AppState, InboxItem } from '../../../shared/model';
import type { OwnershipRules } from '../../../shared/ownership';
import type { BoardSet } from '../board-set';
import type { AdapterDeps } from '../boards';
import type { SavedBoardsRepo } from '../boards/saved-boards';
import type { SyncEngine } from '../engine/sync-engine';
import type { EventBus } from '../events';
import type { SecretBackends } from '../secrets/resolve';
import type { LogRepo } from '../store/log-repo';
import type { AgentConfigDeps } from './agent-config-handlers';
import type { OnboardingDeps } from './onboarding-handlers';
import type { OwnershipRepo } from '../store/ownership-repo';
import type { PauseScope } from '../store/pause-repo';
import type { SettingsRepo } from '../store/settings-repo';

/** What handlers may use. Built once by createCore and passed in, so handlers stay small and testable. */
export interface CoreServices {
  db: Database;
  version: string;
  startedAt: Date;
  events: EventBus;
  settings: SettingsRepo;
  log: LogRepo;
  secrets: SecretBackends;
  engine: SyncEngine;
  boards: BoardSet;
  savedBoards: SavedBoardsRepo;
  adapterDeps: AdapterDeps;
  ownership: OwnershipRepo;
  /** The rules from config (or the defaults) that apply until a board's schema is edited. */
  ownershipFallback: OwnershipRules;
  schemaVersion(): number;
  state(): AppState;
  /** Emits state.changed and returns the state. */
  publishState(): AppState;
  setPause(scope: PauseScope, target: string, paused: boolean, by: string, reason?: string): AppState;
  /** Everything waiting on the person (issue 15). */
  inbox(): InboxItem[];
  /** The agent runtime (issue 5): queues, runs, pauses per agent. */
  agents: AgentRuntime;
  /** First-start onboarding (issue 6): the default agent and the person's choices. */
  onboarding: OnboardingDeps;
  /** Agents added and edited in the UI (issue 15). */
  agentConfigs: AgentConfigDeps;
}
