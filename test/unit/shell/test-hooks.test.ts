import { afterEach, describe, expect, it } from 'vitest';
import { installTestHooks, type DeckhandTestHooks } from '../../../src/main/shell/test-hooks';
import type { TrayController } from '../../../src/main/shell/tray';

const slot = globalThis as { deckhandTest?: DeckhandTestHooks };
afterEach(() => delete slot.deckhandTest);

const tray: TrayController = {
  snapshot: () => ({ status: 'paused', tooltip: 'Deckhand: Paused', menu: [] }),
  click: (id) => id === 'resume-all',
  dispose: () => undefined,
};

describe('Electron test hooks', () => {
  it('are absent from a normal start', () => {
    expect(installTestHooks({}, () => tray)).toBe(false);
    expect(installTestHooks({ DECKHAND_TEST_HOOKS: 'true' }, () => tray)).toBe(false);
    expect(slot.deckhandTest).toBeUndefined();
  });

  it('with DECKHAND_TEST_HOOKS=1 reach the tray, and are harmless before it exists', () => {
    const started: { tray?: TrayController } = {};
    expect(installTestHooks({ DECKHAND_TEST_HOOKS: '1' }, () => started.tray)).toBe(true);
    expect(slot.deckhandTest!.tray()).toBeUndefined();
    expect(slot.deckhandTest!.clickTray('resume-all')).toBe(false);
    started.tray = tray;
    expect(slot.deckhandTest!.tray()).toMatchObject({ status: 'paused' });
    expect(slot.deckhandTest!.clickTray('resume-all')).toBe(true);
  });
});
