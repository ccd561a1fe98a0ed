import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppState } from '../../../src/shared/model';
import type { Handlers } from '../../../src/main/core/api/dispatch';
import { EventBus } from '../../../src/main/core/events';
import {
  createTrayActions,
  createTrayController,
  trayIconPath,
  TRAY_ACTOR,
  type TrayHandle,
} from '../../../src/main/shell/tray';
import type { TrayAction, TrayMenuItem } from '../../../src/main/shell/tray-model';

const POLLED = '2026-11-24T12:00:00.000Z';
const idle: AppState = {
  revision: 1,
  version: '0.1.0',
  startedAt: POLLED,
  pause: { paused: false },
  boards: [{ id: 'local', type: 'local', name: 'Local board', status: 'idle', lastPollAt: POLLED }],
  agents: [],
  counts: { outbox: 0, conflicts: 0, errors: 0, blockedOnHuman: 0, inbox: 0 },
  configSource: 'embedded default',
  webhooks: { url: 'http://127.0.0.1:7718' },
};
const polling: AppState = { ...idle, boards: [{ ...idle.boards[0]!, status: 'syncing' }] };
const paused: AppState = { ...idle, pause: { paused: true, by: 'human:tray' } };

/** A fake native tray that records what the controller did to it. */
class FakeTray implements TrayHandle {
  images: string[] = [];
  tooltips: string[] = [];
  menus: (readonly TrayMenuItem[])[] = [];
  onClick: (item: TrayMenuItem) => void = () => {};
  activate: () => void = () => {};
  destroyed = false;
  constructor(icon: string) {
    this.images.push(icon);
  }
  setImage(file: string): void {
    this.images.push(file);
  }
  setToolTip(text: string): void {
    this.tooltips.push(text);
  }
  setMenu(items: readonly TrayMenuItem[], onClick: (item: TrayMenuItem) => void): void {
    this.menus.push(items);
    this.onClick = onClick;
  }
  onActivate(listener: () => void): void {
    this.activate = listener;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function setup(initial: AppState = idle) {
  let current = initial;
  let tray: FakeTray | undefined;
  const bus = new EventBus();
  const acted: TrayAction[] = [];
  const controller = createTrayController({
    factory: (icon) => (tray = new FakeTray(icon)),
    iconFile: trayIconPath('/res', 'linux'),
    getState: () => current,
    events: bus,
    act: (a) => acted.push(a),
    settleMs: 1000,
  });
  const publish = (s: AppState): void => {
    current = s;
    bus.emit('state.changed', s);
  };
  const click = (id: string): void => {
    const menu = tray!.menus.at(-1)!;
    tray!.onClick(menu.find((i) => i.id === id)!);
  };
  return { tray: tray!, bus, acted, controller, publish, click };
}

describe('tray controller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('renders the icon, tooltip and menu for the current state', () => {
    const { tray } = setup();
    expect(tray.images).toEqual(['/res/tray-in-sync.png']);
    expect(tray.tooltips).toEqual(['Deckhand: In sync']);
    expect(tray.menus).toHaveLength(1);
    expect(tray.menus[0]![0]).toMatchObject({ label: 'In sync' });
  });

  it('rebuilds on state.changed, and only when something changed', () => {
    const { tray, publish, bus } = setup();
    publish(paused);
    expect(tray.images.at(-1)).toBe('/res/tray-paused.png');
    expect(tray.menus.at(-1)!.map((i) => i.id)).toContain('resume-all');
    publish(paused);
    bus.emit('settings.changed', { theme: 'dark', startAtLogin: false, notifications: true });
    expect(tray.images).toHaveLength(2);
    expect(tray.menus).toHaveLength(2);
    expect(tray.tooltips).toHaveLength(2);
  });

  it('snapshot shows what the tray shows; click runs an enabled entry by id, like a person would', () => {
    const { controller, acted, publish } = setup();
    expect(controller.snapshot()).toMatchObject({ status: 'in-sync', tooltip: 'Deckhand: In sync' });
    expect(controller.snapshot().menu.map((i) => i.id)).toContain('pause-all');
    expect(controller.click('pause-all')).toBe(true);
    expect(controller.click('status')).toBe(false); // disabled line
    expect(controller.click('no-such-entry')).toBe(false);
    publish(paused);
    expect(controller.snapshot().status).toBe('paused');
    expect(controller.click('resume-all')).toBe(true);
    expect(acted).toEqual([{ kind: 'pause-all' }, { kind: 'resume-all' }]);
  });

  it('sends menu clicks and icon clicks to the actions', () => {
    const { tray, acted, publish, click } = setup();
    click('pause-all');
    publish(paused);
    click('resume-all');
    click('status'); // disabled, no action
    tray.activate();
    expect(acted).toEqual([{ kind: 'pause-all' }, { kind: 'resume-all' }, { kind: 'open' }]);
  });

  it('does not blink on a routine poll, but shows a long one', () => {
    const { tray, publish } = setup();
    publish(polling);
    publish(idle);
    vi.advanceTimersByTime(1000);
    expect(tray.images).toEqual(['/res/tray-in-sync.png']);
    publish(polling);
    vi.advanceTimersByTime(999);
    expect(tray.images).toEqual(['/res/tray-in-sync.png']);
    vi.advanceTimersByTime(1);
    expect(tray.images).toEqual(['/res/tray-in-sync.png', '/res/tray-syncing.png']);
  });

  it('shows pending writes and every other change at once', () => {
    const { tray, publish } = setup();
    publish({ ...idle, counts: { ...idle.counts, outbox: 1 } });
    expect(tray.images.at(-1)).toBe('/res/tray-syncing.png');
    publish({ ...idle, counts: { ...idle.counts, conflicts: 1 } });
    expect(tray.images.at(-1)).toBe('/res/tray-attention.png');
  });

  it('stops listening and removes the icon on dispose', () => {
    const { tray, publish, controller } = setup();
    publish(polling);
    controller.dispose();
    controller.dispose();
    publish(paused);
    vi.runAllTimers();
    expect(tray.destroyed).toBe(true);
    expect(tray.images).toEqual(['/res/tray-in-sync.png']);
  });
});

describe('tray actions', () => {
  function actions() {
    const syncNow = vi.fn(() => ({ boards: ['local'] }));
    const pauseAgent = vi.fn(() => ({}));
    const resumeAgent = vi.fn(() => ({}));
    const core = {
      handlers: { syncNow, pauseAgent, resumeAgent } as unknown as Handlers,
      pauseAll: vi.fn(),
      resumeAll: vi.fn(() => {
        throw new Error('database is closed');
      }),
    };
    const open = vi.fn();
    const quit = vi.fn();
    return { act: createTrayActions({ core, open, quit }), core, syncNow, pauseAgent, resumeAgent, open, quit };
  }

  it('pauses and resumes all agents as human:tray', () => {
    const { act, core } = actions();
    expect(TRAY_ACTOR).toBe('human:tray');
    act({ kind: 'pause-all' });
    expect(core.pauseAll).toHaveBeenCalledWith('human:tray');
    // A failure is logged, not thrown into Electron's menu code.
    expect(() => act({ kind: 'resume-all' })).not.toThrow();
    expect(core.resumeAll).toHaveBeenCalledWith('human:tray');
  });

  it('pauses and resumes one agent through the validated contract call', async () => {
    const { act, pauseAgent, resumeAgent } = actions();
    act({ kind: 'pause-agent', agentId: 'researcher' });
    await vi.waitFor(() => expect(pauseAgent).toHaveBeenCalledWith({ agentId: 'researcher' }, { transport: 'ipc' }));
    act({ kind: 'resume-agent', agentId: 'researcher' });
    await vi.waitFor(() => expect(resumeAgent).toHaveBeenCalledWith({ agentId: 'researcher' }, { transport: 'ipc' }));
  });

  it('opens the window (optionally at a view), syncs through dispatch, and quits', async () => {
    const { act, open, quit, syncNow } = actions();
    act({ kind: 'open' });
    act({ kind: 'open', view: 'conflicts' });
    expect(open.mock.calls).toEqual([[undefined], ['conflicts']]);
    act({ kind: 'sync-now' });
    await vi.waitFor(() => expect(syncNow).toHaveBeenCalledWith({}, { transport: 'ipc' }));
    act({ kind: 'quit' });
    expect(quit).toHaveBeenCalledOnce();
  });
});
