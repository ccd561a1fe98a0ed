import { beforeEach, describe, expect, it } from 'vitest';
import type { DeckhandApi } from '../../../src/shared/contract';
import { bindApi } from '../../../src/renderer/src/state/api';
import type { AppState } from '../../../src/shared/model';
import { useAppStore } from '../../../src/renderer/src/state/app-store';

/**
 * A call result (resumeBoard's state) and a state.changed event travel on
 * different connections, so the older one can land last. The store must keep
 * the newer state whichever arrives first.
 */
function appState(revision: number, conflicts: number, startedAt = '2026-12-06T00:00:00.000Z'): AppState {
  return {
    revision,
    version: '0.1.0',
    startedAt,
    pause: { paused: false },
    boards: [],
    agents: [],
    counts: { outbox: 0, conflicts, errors: 0, blockedOnHuman: 0, inbox: 0 },
    configSource: 'embedded default',
    webhooks: { url: 'http://127.0.0.1:7718' },
  };
}

describe('app store ordering', () => {
  beforeEach(() => useAppStore.setState({ state: null }));

  it('keeps a newer state when an older one (a slow call result) lands after it', () => {
    const store = useAppStore.getState();
    store.receive(appState(7, 2)); // state.changed after the outbox opened two conflicts
    store.receive(appState(6, 0)); // resumeBoard's answer, computed before the delivery
    expect(useAppStore.getState().state?.counts.conflicts).toBe(2);
    expect(useAppStore.getState().state?.revision).toBe(7);
  });

  it('takes the states of a restarted core, whose revisions start again', () => {
    const store = useAppStore.getState();
    store.receive(appState(40, 1));
    store.receive(appState(1, 0, '2026-12-06T01:00:00.000Z'));
    expect(useAppStore.getState().state?.counts.conflicts).toBe(0);
  });

  it('keeps a newer event when a getState that was in flight answers late', async () => {
    let answer: (state: AppState) => void = () => undefined;
    bindApi({ call: () => new Promise((resolve) => (answer = resolve)) } as unknown as DeckhandApi);
    const refreshing = useAppStore.getState().refresh();
    useAppStore.getState().receive(appState(9, 2));
    answer(appState(8, 0));
    await refreshing;
    expect(useAppStore.getState().state?.counts.conflicts).toBe(2);
  });
});
