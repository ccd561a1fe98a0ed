/**
 * The desktop notifier wired to a real core (real SQLite, the real agent
 * runtime and engine): a question an agent really asks, a conflict the
 * engine really opens, and the user's setting read through the contract.
 * Only the native `show` is replaced by a recorder: Electron cannot run here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifier, type DesktopNote, type Notifier } from '../../../src/main/shell/notifications';
import { watchPreferences, type PreferencesWatch } from '../../../src/main/shell/preferences';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, EXAMPLE_AGENT, HUMAN, startHarness, waitFor, type Harness } from '../agents/harness';
import { submitAfterRead } from '../../helpers/agent-basis';

const tempDir = useTempDirs();
let harness: Harness | undefined;
let notifier: Notifier | undefined;
let preferences: PreferencesWatch | undefined;
afterEach(async () => {
  notifier?.dispose();
  preferences?.dispose();
  await harness?.close();
  harness = notifier = preferences = undefined;
});

const agent = {
  id: 'researcher',
  board: BOARD,
  workflow: 'pickup' as const,
  routes: { labels: ['needs-ai'] },
  provider: { type: 'command', command: EXAMPLE_AGENT, timeout: '30s' },
};

async function start(): Promise<{ h: Harness; shown: DesktopNote[] }> {
  const h = (harness = await startHarness({ dir: tempDir(), agents: [agent] }));
  const shown: DesktopNote[] = [];
  const prefs = (preferences = await watchPreferences({
    handlers: h.core.handlers,
    events: h.core.events,
    onChange: () => undefined,
  }));
  notifier = createNotifier({
    events: h.core.events,
    getState: h.core.getState,
    enabled: () => prefs.current().notifications,
    show: (note) => shown.push(note),
    batchMs: 20,
  });
  return { h, shown };
}

describe('desktop notifications from a running core', () => {
  it('an agent asking a question notifies once, pointing a click at the Agents view', async () => {
    const { h, shown } = await start();
    const task = h.create({
      title: 'Pick a database',
      description: 'ask: Which database do we already run in production?',
      status: 'To do',
      labels: ['needs-ai'],
    });
    await h.runIn({ taskId: task.id }, ['waiting-for-human']);
    await waitFor(() => shown.length > 0);
    await h.core.agents.checkWaiting(); // more agent.state events for the same question
    await new Promise((r) => setTimeout(r, 60));
    expect(shown).toEqual([
      {
        key: expect.stringMatching(/^question:\d+:0$/),
        group: 'question',
        title: 'researcher has a question',
        body: `Which database do we already run in production? (task ${task.id} on ${BOARD})`,
        view: 'agents',
      },
    ]);
  });

  it('a conflict the engine opens notifies; with notifications turned off in Settings nothing shows', async () => {
    const { h, shown } = await start();
    const runner = h.core.engine.runner(BOARD);
    const task = h.create({ title: 'Ship it', status: 'To do' });
    const other = h.create({ title: 'Write the changelog', status: 'To do' });
    await runner.fullReconcile();
    const conflictOn = async (taskId: string, human: string, agentValue: string): Promise<void> => {
      submitAfterRead(h.core.engine, {
        kind: 'update',
        boardId: BOARD,
        taskId,
        actor: 'agent:researcher',
        patch: { status: agentValue },
      });
      h.core.localBoards.updateTask(BOARD, taskId, { status: human }, HUMAN);
      await runner.flushHints();
      await runner.drainOutbox();
    };
    expect(
      (await h.call('setOwnership', { boardId: BOARD, rules: { status: { owner: 'shared', policy: 'ask' } } })).ok,
    ).toBe(true);

    await conflictOn(task.id, 'Blocked — Needs Input', 'Ready for Review');
    await waitFor(() => shown.length > 0);
    expect(shown).toEqual([
      expect.objectContaining({ group: 'conflict', title: 'Conflict needs you', view: 'conflicts' }),
    ]);
    expect(shown[0]!.body).toBe(`status of task ${task.id} on ${BOARD}: you and agent:researcher both changed it.`);

    expect((await h.call('updateSettings', { notifications: false })).ok).toBe(true);
    expect(preferences!.current().notifications).toBe(false);
    const conflictsBefore = h.core.getState().counts.conflicts;
    await conflictOn(other.id, 'Blocked — Needs Input', 'Done');
    await waitFor(() => h.core.getState().counts.conflicts > conflictsBefore);
    await new Promise((r) => setTimeout(r, 60));
    expect(shown).toHaveLength(1);
  });
});
