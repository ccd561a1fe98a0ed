import type { Database } from 'better-sqlite3';
import type { AppState } from '../../../shared/model';
import type { EventBus } from '../events';
import type { SecretBackends } from '../secrets/resolve';
import type { LogRepo } from '../store/log-repo';
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
  schemaVersion(): number;
  state(): AppState;
  pauseAll(by: string, reason?: string): AppState;
  resumeAll(by: string): AppState;
}
