import { describe, expect, it } from 'vitest';
import type { AppState } from '../../../src/shared/model';
import {
  buildTrayMenu,
  STALE_POLL_MS,
  trayIconName,
  trayStatus,
  trayTooltip,
} from '../../../src/main/shell/tray-model';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const recent = new Date(NOW - 10_000).toISOString();

function state(overrides: Partial<AppState> = {}): AppState {
  return {
    version: '0.1.0',
    startedAt: recent,
    pause: { paused: false },
    boards: [{ id: 'local', type: 'local', name: 'Local board', status: 'idle', lastPollAt: recent }],
    agents: [{ id: 'researcher', board: 'local', workflow: 'pickup', status: 'idle', pause: { paused: false } }],
    counts: { outbox: 0, conflicts: 0, errors: 0, blockedOnHuman: 0 },
    configSource: 'embedded default',
    ...overrides,
  };
}
const counts = (c: Partial<AppState['counts']>): AppState['counts'] => ({
  outbox: 0,
  conflicts: 0,
  errors: 0,
  blockedOnHuman: 0,
  ...c,
});

describe('trayStatus', () => {
  it('is in sync only when everything holds', () => {
    expect(trayStatus(state(), NOW)).toBe('in-sync');
  });

  it('is not in sync while writes are pending, a board syncs, or the last poll is stale or missing', () => {
    expect(trayStatus(state({ counts: counts({ outbox: 1 }) }), NOW)).toBe('syncing');
    expect(trayStatus(state({ boards: [{ ...state().boards[0]!, status: 'syncing' }] }), NOW)).toBe('syncing');
    const stale = new Date(NOW - STALE_POLL_MS - 1).toISOString();
    expect(trayStatus(state({ boards: [{ ...state().boards[0]!, lastPollAt: stale }] }), NOW)).toBe('syncing');
    const { lastPollAt: _unused, ...neverPolled } = state().boards[0]!;
    expect(trayStatus(state({ boards: [neverPolled] }), NOW)).toBe('syncing');
  });

  it('shows paused for a global, board or agent pause', () => {
    expect(trayStatus(state({ pause: { paused: true, by: 'human:tray' } }), NOW)).toBe('paused');
    expect(trayStatus(state({ boards: [{ ...state().boards[0]!, status: 'paused' }] }), NOW)).toBe('paused');
    const agent = { ...state().agents[0]!, pause: { paused: true } };
    expect(trayStatus(state({ agents: [agent] }), NOW)).toBe('paused');
  });

  it('needs attention for open conflicts or tasks blocked on a person, above a pause', () => {
    expect(trayStatus(state({ counts: counts({ conflicts: 2 }) }), NOW)).toBe('attention');
    expect(trayStatus(state({ counts: counts({ blockedOnHuman: 1 }), pause: { paused: true } }), NOW)).toBe(
      'attention',
    );
  });

  it('puts errors above everything', () => {
    const broken = { ...state().boards[0]!, status: 'error' as const, error: '401' };
    expect(trayStatus(state({ boards: [broken], counts: counts({ conflicts: 1 }) }), NOW)).toBe('error');
    expect(trayStatus(state({ counts: counts({ errors: 1 }), pause: { paused: true } }), NOW)).toBe('error');
  });
});

describe('trayTooltip and icon', () => {
  it('says what is wrong', () => {
    const broken = { ...state().boards[0]!, status: 'error' as const, error: 'HTTP 401: check the token' };
    const text = trayTooltip(state({ boards: [broken], counts: counts({ conflicts: 1, outbox: 3 }) }), NOW);
    expect(text).toContain('Deckhand — Error');
    expect(text).toContain('1 open conflict');
    expect(text).toContain('3 writes pending');
    expect(text).toContain('Local board: HTTP 401: check the token');
  });

  it('uses a status icon on Linux/Windows and a template image on macOS', () => {
    expect(trayIconName('attention', 'linux')).toBe('tray-attention.png');
    expect(trayIconName('attention', 'darwin')).toBe('trayTemplate.png');
  });
});

describe('buildTrayMenu', () => {
  const ids = (s: AppState): string[] => buildTrayMenu(s, NOW).map((i) => i.id);

  it('offers Open, Pause all, per-agent toggles, Sync now and Quit while running', () => {
    const menu = buildTrayMenu(state(), NOW);
    expect(menu.map((i) => i.id)).toEqual([
      'status',
      'sep-status',
      'open',
      'sep-agents',
      'pause-all',
      'agents',
      'sync-now',
      'sep-quit',
      'quit',
    ]);
    expect(menu[0]).toMatchObject({ label: 'In sync', enabled: false });
    expect(menu.find((i) => i.id === 'pause-all')!.action).toEqual({ kind: 'pause-all' });
    const agent = menu.find((i) => i.id === 'agents')!.submenu![0]!;
    expect(agent).toMatchObject({
      label: 'researcher',
      checked: true,
      action: { kind: 'pause-agent', agentId: 'researcher' },
    });
    expect(menu.at(-1)!.action).toEqual({ kind: 'quit' });
  });

  it('offers Resume all while paused, and disables per-agent toggles under a global pause', () => {
    const menu = buildTrayMenu(state({ pause: { paused: true, by: 'human:tray' } }), NOW);
    expect(menu.map((i) => i.id)).toContain('resume-all');
    expect(menu.map((i) => i.id)).not.toContain('pause-all');
    expect(menu.find((i) => i.id === 'resume-all')!.label).toBe('Resume all agents');
    expect(menu.find((i) => i.id === 'agents')!.submenu![0]!.enabled).toBe(false);
  });

  it('shows open conflicts with a count, and omits the agent submenu when there are no agents', () => {
    const menu = buildTrayMenu(state({ counts: counts({ conflicts: 3 }), agents: [] }), NOW);
    expect(menu.find((i) => i.id === 'open-conflicts')).toMatchObject({
      label: 'Open conflicts (3)',
      action: { kind: 'open', view: 'conflicts' },
    });
    expect(ids(state({ agents: [] }))).not.toContain('agents');
  });

  it('offers to resume a paused agent', () => {
    const agent = { ...state().agents[0]!, pause: { paused: true } };
    const item = buildTrayMenu(state({ agents: [agent] }), NOW).find((i) => i.id === 'agents')!.submenu![0]!;
    expect(item).toMatchObject({ checked: false, action: { kind: 'resume-agent', agentId: 'researcher' } });
  });
});
