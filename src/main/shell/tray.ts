/**
 * The tray as a controller over an injected tray handle: it renders the pure
 * tray model and re-renders on `state.changed`. No electron import here, so the
 * wiring is unit-tested with a fake; electron-tray.ts supplies the real handle.
 */
import { join } from 'node:path';
import type { DeckhandEvent } from '../../shared/contract';
import type { AppState } from '../../shared/model';
import { dispatch, type CallContext, type Handlers } from '../core/api/dispatch';
import { createLogger } from '../core/logger';
import {
  buildTrayMenu,
  trayIconName,
  trayStatus,
  trayTooltip,
  type TrayAction,
  type TrayMenuItem,
  type TrayStatus,
} from './tray-model';

const log = createLogger('tray');

/** The few things the controller needs from a native tray icon. */
export interface TrayHandle {
  setImage(file: string): void;
  setToolTip(text: string): void;
  setMenu(items: readonly TrayMenuItem[], onClick: (item: TrayMenuItem) => void): void;
  /** Primary click on the icon itself (not every platform has one). */
  onActivate(listener: () => void): void;
  destroy(): void;
}

/** Creates the native tray icon showing `iconFile`. */
export type TrayFactory = (iconFile: string) => TrayHandle;

export interface TrayDeps {
  factory: TrayFactory;
  /** Absolute path of the icon file for a status. */
  iconFile(status: TrayStatus): string;
  getState(): AppState;
  events: { subscribe(listener: (event: DeckhandEvent) => void): () => void };
  act(action: TrayAction): void;
  /**
   * How long a routine "syncing" must last before the icon leaves "in sync".
   * A poll that finds nothing takes well under a second; without this the
   * icon would blink on every poll. Any other change shows at once.
   */
  settleMs?: number;
}

export interface TrayController {
  /** What the tray shows now (the Electron end-to-end tests read it through a test hook). */
  snapshot(): { status: TrayStatus; tooltip: string; menu: TrayMenuItem[] };
  /** Does what clicking the menu entry with this id does; false when there is no such enabled entry. */
  click(id: string): boolean;
  dispose(): void;
}

export function createTrayController(deps: TrayDeps): TrayController {
  const settleMs = deps.settleMs ?? 1500;
  const initial = deps.getState();
  let shown = trayStatus(initial);
  const handle = deps.factory(deps.iconFile(shown));
  let lastTooltip = '';
  let lastMenu = '';
  let lastItems: TrayMenuItem[] = [];
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;

  const render = (state: AppState): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const status = trayStatus(state);
    if (status !== shown) {
      handle.setImage(deps.iconFile(status));
      shown = status;
    }
    const tooltip = trayTooltip(state);
    if (tooltip !== lastTooltip) handle.setToolTip((lastTooltip = tooltip));
    // Rebuilding a native menu while it is open closes it on some platforms, so only rebuild on change.
    const items = buildTrayMenu(state);
    const key = JSON.stringify(items);
    if (key !== lastMenu) {
      lastMenu = key;
      lastItems = items;
      handle.setMenu(items, (item) => item.action && deps.act(item.action));
    }
  };

  const onState = (state: AppState): void => {
    if (disposed) return;
    if (shown === 'in-sync' && trayStatus(state) === 'syncing' && state.counts.outbox === 0) {
      timer ??= setTimeout(() => {
        timer = undefined;
        if (!disposed) render(deps.getState());
      }, settleMs);
      return;
    }
    render(state);
  };

  render(initial);
  handle.onActivate(() => deps.act({ kind: 'open' }));
  const unsubscribe = deps.events.subscribe((event) => {
    if (event.type === 'state.changed') onState(event.payload);
  });
  return {
    snapshot: () => ({ status: shown, tooltip: lastTooltip, menu: lastItems }),
    click(id) {
      const item = lastItems.find((i) => i.id === id);
      if (!item?.action || item.enabled === false) return false;
      deps.act(item.action);
      return true;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
      handle.destroy();
    },
  };
}

/** The icon path for a status, from the resources folder, per platform. */
export function trayIconPath(
  resourcesDir: string,
  platform: NodeJS.Platform = process.platform,
): (status: TrayStatus) => string {
  return (status) => join(resourcesDir, trayIconName(status, platform));
}

export interface TrayActionDeps {
  core: {
    handlers: Handlers;
    pauseAll(by: string, reason?: string): unknown;
    resumeAll(by: string): unknown;
  };
  open(view?: 'conflicts' | 'inbox'): void;
  quit(): void;
}

/** Who the sync log names for a tray click. */
export const TRAY_ACTOR = 'human:tray';
const TRAY_CONTEXT: CallContext = { transport: 'ipc' };

/** What each menu entry does. A failing action is logged, never thrown into Electron's menu code. */
export function createTrayActions(deps: TrayActionDeps): (action: TrayAction) => void {
  const safely = (what: string, run: () => unknown): void => {
    try {
      const result = run();
      if (result instanceof Promise) result.catch((err: unknown) => log.error(`${what} failed`, err));
    } catch (err) {
      log.error(`${what} failed`, err);
    }
  };
  return (action) => {
    switch (action.kind) {
      case 'open':
        return deps.open(action.view);
      case 'pause-all':
        return safely('pause all', () => deps.core.pauseAll(TRAY_ACTOR));
      case 'resume-all':
        return safely('resume all', () => deps.core.resumeAll(TRAY_ACTOR));
      case 'pause-agent':
      case 'resume-agent': {
        const method = action.kind === 'pause-agent' ? 'pauseAgent' : 'resumeAgent';
        return safely(method, async () => {
          const result = await dispatch(deps.core.handlers, method, { agentId: action.agentId }, TRAY_CONTEXT);
          if (!result.ok) log.warn(`${method}: ${result.error.message}`);
        });
      }
      case 'sync-now':
        return safely('sync now', async () => {
          const result = await dispatch(deps.core.handlers, 'syncNow', {}, TRAY_CONTEXT);
          if (!result.ok) log.warn(`sync now: ${result.error.message}`);
        });
      case 'quit':
        return deps.quit();
    }
  };
}
