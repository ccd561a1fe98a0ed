/**
 * What the tray shows, as pure functions of the app state, so the rules are
 * unit-tested without Electron. The tray must never lie: "in sync" is shown
 * only when every condition for it holds.
 */
import type { AppState } from '../../shared/model';

export type TrayStatus = 'in-sync' | 'syncing' | 'paused' | 'attention' | 'error';

/** A poll older than this no longer counts as "recent" for the in-sync claim. */
export const STALE_POLL_MS = 5 * 60_000;

/**
 * Precedence: error > attention > paused > syncing > in-sync. A fault or a
 * person being needed matters more than a deliberate pause, and a pause more
 * than routine activity.
 */
export function trayStatus(state: AppState, now: number = Date.now()): TrayStatus {
  if (state.counts.errors > 0 || state.boards.some((b) => b.status === 'error')) return 'error';
  if (state.counts.conflicts > 0 || state.counts.blockedOnHuman > 0) return 'attention';
  if (
    state.pause.paused ||
    state.boards.some((b) => b.status === 'paused') ||
    state.agents.some((a) => a.pause.paused)
  ) {
    return 'paused';
  }
  const stale = state.boards.some((b) => !b.lastPollAt || now - Date.parse(b.lastPollAt) > STALE_POLL_MS);
  if (state.counts.outbox > 0 || state.boards.some((b) => b.status === 'syncing') || stale) return 'syncing';
  return 'in-sync';
}

const STATUS_TEXT: Record<TrayStatus, string> = {
  'in-sync': 'In sync',
  syncing: 'Syncing…',
  paused: 'Paused',
  attention: 'Needs your attention',
  error: 'Error',
};

export function trayTooltip(state: AppState, now: number = Date.now()): string {
  const status = trayStatus(state, now);
  const details: string[] = [];
  if (state.counts.conflicts > 0) details.push(plural(state.counts.conflicts, 'open conflict'));
  if (state.counts.blockedOnHuman > 0)
    details.push(plural(state.counts.blockedOnHuman, 'task waiting for you', 'tasks waiting for you'));
  if (state.counts.outbox > 0) details.push(plural(state.counts.outbox, 'write pending', 'writes pending'));
  const broken = state.boards.filter((b) => b.status === 'error').map((b) => `${b.name}: ${b.error ?? 'error'}`);
  details.push(...broken);
  if (state.pause.paused)
    details.push(`paused by ${state.pause.by ?? 'someone'}${state.pause.reason ? ` (${state.pause.reason})` : ''}`);
  return ['Deckhand — ' + STATUS_TEXT[status], ...details].join('\n');
}

/** Icon file per status, in resources/ (macOS uses template images and shows the status in the menu). */
export function trayIconName(status: TrayStatus, platform: NodeJS.Platform = process.platform): string {
  return platform === 'darwin' ? 'trayTemplate.png' : `tray-${status}.png`;
}

export type TrayAction =
  | { kind: 'open'; view?: 'conflicts' }
  | { kind: 'pause-all' }
  | { kind: 'resume-all' }
  | { kind: 'pause-agent'; agentId: string }
  | { kind: 'resume-agent'; agentId: string }
  | { kind: 'sync-now' }
  | { kind: 'quit' };

export interface TrayMenuItem {
  id: string;
  label: string;
  type?: 'normal' | 'separator' | 'checkbox';
  enabled?: boolean;
  checked?: boolean;
  action?: TrayAction;
  submenu?: TrayMenuItem[];
}

const separator = (id: string): TrayMenuItem => ({ id, label: '', type: 'separator' });

/** The tray menu as plain data; the shell turns it into an Electron Menu. */
export function buildTrayMenu(state: AppState, now: number = Date.now()): TrayMenuItem[] {
  const status = trayStatus(state, now);
  const items: TrayMenuItem[] = [
    { id: 'status', label: STATUS_TEXT[status], enabled: false },
    separator('sep-status'),
    { id: 'open', label: 'Open Deckhand', action: { kind: 'open' } },
  ];
  if (state.counts.conflicts > 0) {
    items.push({
      id: 'open-conflicts',
      label: `Open conflicts (${state.counts.conflicts})`,
      action: { kind: 'open', view: 'conflicts' },
    });
  }
  items.push(separator('sep-agents'));
  items.push(
    state.pause.paused
      ? { id: 'resume-all', label: 'Resume all agents', action: { kind: 'resume-all' } }
      : { id: 'pause-all', label: 'Pause all agents', action: { kind: 'pause-all' } },
  );
  if (state.agents.length > 0) {
    items.push({
      id: 'agents',
      label: 'Agents',
      submenu: state.agents.map((a) => ({
        id: `agent-${a.id}`,
        label: a.id,
        type: 'checkbox',
        checked: !a.pause.paused,
        // Under a global pause a single agent cannot be resumed on its own.
        enabled: !state.pause.paused,
        action: a.pause.paused ? { kind: 'resume-agent', agentId: a.id } : { kind: 'pause-agent', agentId: a.id },
      })),
    });
  }
  items.push({ id: 'sync-now', label: 'Sync now', action: { kind: 'sync-now' } });
  items.push(separator('sep-quit'));
  items.push({ id: 'quit', label: 'Quit Deckhand', action: { kind: 'quit' } });
  return items;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
