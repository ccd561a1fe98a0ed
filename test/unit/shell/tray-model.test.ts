import { describe, expect, it } from 'vitest';
import type { AppState, BoardSummary } from '../../../src/shared/model';
import {
  buildTrayMenu,
  TOOLTIP_MAX,
  TRAY_STATUSES,
  trayIconName,
  trayStatus,
  trayStatusLine,
  trayTooltip,
} from '../../../src/main/shell/tray-model';

const POLLED = '2026-11-24T12:00:00.000Z';
const board: BoardSummary = { id: 'local', type: 'local', name: 'Local board', status: 'idle', lastPollAt: POLLED };

/** A state in which everything holds; each test breaks one thing. */
function state(overrides: Partial<AppState> = {}): AppState {
  return {
    revision: 1,
    version: '0.1.0',
    startedAt: POLLED,
    pause: { paused: false },
    boards: [board],
    agents: [{ id: 'researcher', board: 'local', workflow: 'pickup', status: 'idle', pause: { paused: false } }],
    counts: { outbox: 0, conflicts: 0, errors: 0, blockedOnHuman: 0, inbox: 0 },
    configSource: 'embedded default',
    webhooks: { url: 'http://127.0.0.1:7718' },
    ...overrides,
  };
}
const counts = (c: Partial<AppState['counts']>): AppState['counts'] => ({
  outbox: 0,
  conflicts: 0,
  errors: 0,
  blockedOnHuman: 0,
  inbox: 0,
  ...c,
});
const paused = { paused: true, by: 'human:tray', reason: 'lunch', at: POLLED };
const ids = (s: AppState): string[] => buildTrayMenu(s).map((i) => i.id);

describe('trayStatus: in sync only when everything holds', () => {
  it('is in sync with an empty outbox, no errors, conflicts, blocked tasks or pauses, and idle polled boards', () => {
    expect(trayStatus(state())).toBe('in-sync');
    expect(trayStatus(state({ boards: [] }))).toBe('in-sync');
  });

  it.each<[string, Partial<AppState>]>([
    ['a pending write', { counts: counts({ outbox: 1 }) }],
    ['a failed write', { counts: counts({ errors: 1 }) }],
    ['an open conflict', { counts: counts({ conflicts: 1 }) }],
    ['a task blocked on a person', { counts: counts({ blockedOnHuman: 1 }) }],
    ['a global pause', { pause: paused }],
    ['a paused agent', { agents: [{ ...state().agents[0]!, pause: paused }] }],
    ['a paused board', { boards: [{ ...board, status: 'paused' }] }],
    ['a board in error', { boards: [{ ...board, status: 'error', error: 'HTTP 401' }] }],
    ['a board syncing', { boards: [{ ...board, status: 'syncing' }] }],
    ['a board never polled', { boards: [{ id: 'b', type: 'local', name: 'B', status: 'idle' }] }],
  ])('is not in sync with %s', (_what, overrides) => {
    expect(trayStatus(state(overrides))).not.toBe('in-sync');
  });
});

describe('trayStatus precedence: error > attention > paused > syncing', () => {
  it('shows syncing for pending writes or a busy board', () => {
    expect(trayStatus(state({ counts: counts({ outbox: 3 }) }))).toBe('syncing');
    expect(trayStatus(state({ boards: [{ ...board, status: 'syncing' }] }))).toBe('syncing');
  });

  it('shows paused over syncing: a paused outbox cannot drain', () => {
    expect(trayStatus(state({ pause: paused, counts: counts({ outbox: 3 }) }))).toBe('paused');
  });

  it('shows attention over a pause', () => {
    expect(trayStatus(state({ pause: paused, counts: counts({ conflicts: 1, outbox: 2 }) }))).toBe('attention');
    expect(trayStatus(state({ counts: counts({ blockedOnHuman: 1 }) }))).toBe('attention');
  });

  it('shows error over everything', () => {
    const all = { pause: paused, counts: counts({ errors: 1, conflicts: 1, blockedOnHuman: 1, outbox: 1 }) };
    expect(trayStatus(state(all))).toBe('error');
    const broken = { ...board, status: 'error' as const };
    expect(trayStatus(state({ boards: [broken], counts: counts({ conflicts: 2 }) }))).toBe('error');
  });
});

describe('trayStatusLine and trayTooltip', () => {
  it('names who paused', () => {
    expect(trayStatusLine(state({ pause: paused }))).toBe('Paused by human:tray');
    expect(trayStatusLine(state({ boards: [{ ...board, status: 'paused' }] }))).toBe('Paused: Local board');
  });

  it('says what needs attention and what is broken', () => {
    expect(trayStatusLine(state({ counts: counts({ conflicts: 2, blockedOnHuman: 1 }) }))).toBe(
      'Needs you: 2 conflicts, 1 blocked task',
    );
    expect(trayStatusLine(state({ boards: [{ ...board, status: 'error' }] }))).toBe('Error on Local board');
    expect(trayStatusLine(state({ counts: counts({ errors: 2 }) }))).toBe('Error: 2 failed writes');
    expect(trayStatusLine(state({ counts: counts({ outbox: 1 }) }))).toBe('Syncing (1 write pending)');
    expect(trayStatusLine(state())).toBe('In sync');
  });

  it('puts the status first and details after', () => {
    expect(trayTooltip(state())).toBe('Deckhand: In sync');
    const broken = { ...board, status: 'error' as const, error: 'HTTP 401: check the token' };
    expect(trayTooltip(state({ boards: [broken] })).split('\n')).toEqual([
      'Deckhand: Error on Local board',
      'Local board: HTTP 401: check the token',
    ]);
    expect(trayTooltip(state({ pause: paused, counts: counts({ outbox: 2 }) })).split('\n')).toEqual([
      'Deckhand: Paused by human:tray',
      'Reason: lunch',
      '2 writes pending',
    ]);
  });

  it('stays within the Windows tooltip limit', () => {
    const broken = { ...board, status: 'error' as const, error: 'x'.repeat(300) };
    const text = trayTooltip(state({ boards: [broken] }));
    expect(text.length).toBe(TOOLTIP_MAX);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('trayIconName', () => {
  it('has a coloured icon per status on Linux and Windows, and one template image on macOS', () => {
    expect(TRAY_STATUSES.map((s) => trayIconName(s, 'linux'))).toEqual([
      'tray-in-sync.png',
      'tray-syncing.png',
      'tray-paused.png',
      'tray-attention.png',
      'tray-error.png',
    ]);
    expect(trayIconName('error', 'win32')).toBe('tray-error.png');
    expect(trayIconName('error', 'darwin')).toBe('trayTemplate.png');
  });
});

describe('buildTrayMenu', () => {
  it('while running: status, Open, Pause all, a toggle per agent, Sync now, Quit', () => {
    const menu = buildTrayMenu(state());
    expect(menu.map((i) => i.id)).toEqual([
      'status',
      'sep-status',
      'open',
      'pause-all',
      'agent-researcher',
      'sync-now',
      'sep-quit',
      'quit',
    ]);
    expect(menu[0]).toEqual({ id: 'status', label: 'In sync', enabled: false });
    expect(menu.find((i) => i.id === 'open')).toMatchObject({ label: 'Open Deckhand', action: { kind: 'open' } });
    expect(menu.find((i) => i.id === 'pause-all')).toMatchObject({
      label: 'Pause all agents',
      action: { kind: 'pause-all' },
    });
    expect(menu.filter((i) => i.type === 'separator').map((i) => i.id)).toEqual(['sep-status', 'sep-quit']);
    expect(menu.at(-1)).toMatchObject({ label: 'Quit Deckhand', action: { kind: 'quit' } });
  });

  it('toggles one agent: ticked while it runs, pausing or resuming just that agent', () => {
    const running = buildTrayMenu(state()).find((i) => i.id === 'agent-researcher')!;
    expect(running).toMatchObject({
      type: 'checkbox',
      checked: true,
      enabled: true,
      action: { kind: 'pause-agent', agentId: 'researcher' },
    });
    const agent = { ...state().agents[0]!, pause: paused };
    const stopped = buildTrayMenu(state({ agents: [agent] })).find((i) => i.id === 'agent-researcher')!;
    expect(stopped).toMatchObject({ checked: false, action: { kind: 'resume-agent', agentId: 'researcher' } });
    // Under a global pause a single agent cannot be resumed on its own.
    const global = buildTrayMenu(state({ pause: paused })).find((i) => i.id === 'agent-researcher')!;
    expect(global.enabled).toBe(false);
  });

  it('while paused: Resume all instead of Pause all, and the status says who paused', () => {
    const menu = buildTrayMenu(state({ pause: paused }));
    expect(ids(state({ pause: paused }))).not.toContain('pause-all');
    expect(menu.find((i) => i.id === 'resume-all')).toMatchObject({
      label: 'Resume all agents',
      action: { kind: 'resume-all' },
    });
    expect(menu[0]).toMatchObject({ label: 'Paused by human:tray', enabled: false });
  });

  it('offers the conflicts view when there are conflicts', () => {
    expect(ids(state())).not.toContain('open-conflicts');
    expect(buildTrayMenu(state({ counts: counts({ conflicts: 3 }) })).find((i) => i.id === 'open-conflicts')).toEqual({
      id: 'open-conflicts',
      label: 'Resolve conflicts (3)…',
      action: { kind: 'open', view: 'conflicts' },
    });
  });

  it('disables Sync now with no boards, and gives every item a unique id', () => {
    expect(buildTrayMenu(state({ boards: [] })).find((i) => i.id === 'sync-now')!.enabled).toBe(false);
    const all = ids(state({ counts: counts({ conflicts: 1 }) }));
    expect(new Set(all).size).toBe(all.length);
  });

  it('is plain data', () => {
    const menu = buildTrayMenu(state({ pause: paused, counts: counts({ conflicts: 1 }) }));
    expect(JSON.parse(JSON.stringify(menu))).toEqual(menu);
  });
});

describe('the inbox in the tray (issue 15)', () => {
  it('needs attention for a failed run alone, says so, and offers the inbox', () => {
    const s = state({ counts: counts({ inbox: 1 }) });
    expect(trayStatus(s)).toBe('attention');
    expect(trayStatusLine(s)).toBe('Needs you: 1 other item');
    expect(buildTrayMenu(s).find((i) => i.id === 'open-inbox')).toMatchObject({
      label: 'Open the inbox (1 waiting)…',
      action: { kind: 'open', view: 'inbox' },
    });
  });

  it('counts questions and conflicts once, and has no inbox entry when it is empty', () => {
    const s = state({ counts: counts({ conflicts: 1, blockedOnHuman: 1, inbox: 2 }) });
    expect(trayStatusLine(s)).toBe('Needs you: 1 conflict, 1 blocked task');
    expect(ids(state())).not.toContain('open-inbox');
  });
});
