/**
 * What the tray shows, as pure functions of the app state, so the rules are
 * unit-tested without Electron. The tray must never lie: "In sync" is shown
 * only when every condition for it holds.
 */
import type { AppState } from '../../shared/model';

export type TrayStatus = 'in-sync' | 'syncing' | 'paused' | 'attention' | 'error';

export const TRAY_STATUSES: readonly TrayStatus[] = ['in-sync', 'syncing', 'paused', 'attention', 'error'];

/**
 * Precedence: error > attention > paused > syncing > in-sync.
 * - error first: a failing board or a parked write stops sync silently, and nothing else recovers until it is fixed.
 * - attention next: a conflict or a task blocked on a person never resolves by itself.
 * - paused above syncing: a pause is deliberate and explains why pending writes are not moving; showing
 *   "syncing" for an outbox that cannot drain would be a lie.
 * - syncing is routine and transient, so it ranks lowest of the not-in-sync states.
 */
export function trayStatus(state: AppState): TrayStatus {
  if (state.counts.errors > 0 || state.boards.some((b) => b.status === 'error')) return 'error';
  if (state.counts.conflicts > 0 || state.counts.blockedOnHuman > 0 || state.counts.inbox > 0) return 'attention';
  if (isAnythingPaused(state)) return 'paused';
  // A board that has never completed a poll has not been synced yet, whatever its status says.
  if (state.counts.outbox > 0 || state.boards.some((b) => b.status === 'syncing' || !b.lastPollAt)) return 'syncing';
  return 'in-sync';
}

function isAnythingPaused(state: AppState): boolean {
  return (
    state.pause.paused || state.boards.some((b) => b.status === 'paused') || state.agents.some((a) => a.pause.paused)
  );
}

/** The one-line status shown (disabled) at the top of the tray menu. */
export function trayStatusLine(state: AppState): string {
  const status = trayStatus(state);
  switch (status) {
    case 'error': {
      const broken = state.boards.filter((b) => b.status === 'error').map((b) => b.name);
      if (broken.length === 0) return `Error: ${plural(state.counts.errors, 'failed write')}`;
      return `Error on ${broken[0]}${broken.length > 1 ? ` and ${broken.length - 1} more` : ''}`;
    }
    case 'attention':
      return `Needs you: ${attentionDetails(state).join(', ')}`;
    case 'paused': {
      if (state.pause.paused) return `Paused by ${state.pause.by ?? 'someone'}`;
      const names = [
        ...state.boards.filter((b) => b.status === 'paused').map((b) => b.name),
        ...state.agents.filter((a) => a.pause.paused).map((a) => a.id),
      ];
      return `Paused: ${names.join(', ')}`;
    }
    case 'syncing':
      return state.counts.outbox > 0 ? `Syncing (${plural(state.counts.outbox, 'write')} pending)` : 'Syncing';
    case 'in-sync':
      return 'In sync';
  }
}

function attentionDetails(state: AppState): string[] {
  const details: string[] = [];
  if (state.counts.conflicts > 0) details.push(plural(state.counts.conflicts, 'conflict'));
  if (state.counts.blockedOnHuman > 0) details.push(plural(state.counts.blockedOnHuman, 'blocked task'));
  // The inbox also holds failed runs and braked boards: counted, not hidden behind the two above.
  const others = state.counts.inbox - state.counts.conflicts - state.counts.blockedOnHuman;
  if (others > 0) details.push(plural(others, 'other item'));
  return details;
}

/** Windows cuts tray tooltips at 127 characters; cut them ourselves so the cut is visible. */
export const TOOLTIP_MAX = 127;

/** The hover text: the status line, then what is wrong, most important first. */
export function trayTooltip(state: AppState): string {
  const lines = [`Deckhand: ${trayStatusLine(state)}`];
  for (const b of state.boards) if (b.status === 'error') lines.push(`${b.name}: ${b.error ?? 'error'}`);
  if (state.pause.paused && state.pause.reason) lines.push(`Reason: ${state.pause.reason}`);
  if (trayStatus(state) !== 'syncing' && state.counts.outbox > 0) {
    lines.push(`${plural(state.counts.outbox, 'write')} pending`);
  }
  const text = lines.join('\n');
  return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`;
}

/**
 * Icon file in resources/ for a status. macOS menu bars want a monochrome
 * template image the system tints, so there the status lives in the menu and tooltip.
 */
export function trayIconName(status: TrayStatus, platform: NodeJS.Platform = process.platform): string {
  return platform === 'darwin' ? 'trayTemplate.png' : `tray-${status}.png`;
}

export type TrayAction =
  | { kind: 'open'; view?: 'conflicts' | 'inbox' }
  | { kind: 'pause-all' }
  | { kind: 'resume-all' }
  | { kind: 'pause-agent'; agentId: string }
  | { kind: 'resume-agent'; agentId: string }
  | { kind: 'sync-now' }
  | { kind: 'quit' };

/** A menu entry as plain data; the shell turns it into an Electron MenuItem. */
export interface TrayMenuItem {
  id: string;
  label: string;
  type?: 'normal' | 'separator' | 'checkbox';
  enabled?: boolean;
  /** For checkbox items: ticked means the agent is running. */
  checked?: boolean;
  action?: TrayAction;
}

const separator = (id: string): TrayMenuItem => ({ id, label: '', type: 'separator' });

/**
 * The tray menu. The status line comes first so the menu reads like a
 * header plus actions; Quit is last and fenced off so it is not hit by mistake.
 */
export function buildTrayMenu(state: AppState): TrayMenuItem[] {
  const items: TrayMenuItem[] = [
    { id: 'status', label: trayStatusLine(state), enabled: false },
    separator('sep-status'),
    { id: 'open', label: 'Open Deckhand', action: { kind: 'open' } },
  ];
  if (state.counts.inbox > 0) {
    items.push({
      id: 'open-inbox',
      label: `Open the inbox (${state.counts.inbox} waiting)…`,
      action: { kind: 'open', view: 'inbox' },
    });
  }
  if (state.counts.conflicts > 0) {
    items.push({
      id: 'open-conflicts',
      label: `Resolve conflicts (${state.counts.conflicts})…`,
      action: { kind: 'open', view: 'conflicts' },
    });
  }
  items.push(
    state.pause.paused
      ? { id: 'resume-all', label: 'Resume all agents', action: { kind: 'resume-all' } }
      : { id: 'pause-all', label: 'Pause all agents', action: { kind: 'pause-all' } },
  );
  // One toggle per agent; under a global pause a single agent cannot be resumed on its own.
  for (const agent of state.agents) {
    const paused = agent.pause.paused;
    items.push({
      id: `agent-${agent.id}`,
      label: `Agent ${agent.id}`,
      type: 'checkbox',
      checked: !paused,
      enabled: !state.pause.paused,
      action: paused ? { kind: 'resume-agent', agentId: agent.id } : { kind: 'pause-agent', agentId: agent.id },
    });
  }
  items.push(
    { id: 'sync-now', label: 'Sync now', enabled: state.boards.length > 0, action: { kind: 'sync-now' } },
    separator('sep-quit'),
    { id: 'quit', label: 'Quit Deckhand', action: { kind: 'quit' } },
  );
  return items;
}

function plural(n: number, one: string): string {
  return `${n} ${n === 1 ? one : `${one}s`}`;
}
