import { afterEach, describe, expect, it } from 'vitest';
import type { FakeKanboard } from '../../fakes/kanboard';
import { startKanboard } from '../../boards/kanboard';

const running: FakeKanboard[] = [];
afterEach(async () => {
  for (const fake of running.splice(0)) await fake.stop();
});

const report: string[] = [];
afterEach(() => {
  if (report.length > 0) console.log(report.splice(0).join('\n'));
});

/**
 * Request counts are the point of the incremental poll: they must not grow
 * with the number of unchanged tasks. The fake counts HTTP requests, JSON-RPC
 * calls (each batch item) and bytes.
 */
describe('kanboard request budget', () => {
  for (const size of [200, 1000]) {
    it(`polls ${size} tasks with a constant number of requests`, async () => {
      const { fake, adapter, board } = await startKanboard('app', { tasks: size, daySearchEveryMs: 0 }); // the day search itself (kanboard-busy-day.test.ts covers the detector)
      running.push(fake);
      // The board was edited yesterday; nothing has changed today until the test starts.
      const yesterday = fake.now() - 86_400;
      for (const task of fake.store.tasks) Object.assign(task, { date_modification: yesterday });

      fake.resetStats();
      const full = await adapter.listTasks();
      expect(full).toHaveLength(size);
      const fullStats = { ...fake.stats };
      expect(fullStats.requests).toBe(1 + Math.ceil((2 * size) / 200));

      fake.resetStats();
      const idle = await adapter.listChangedSince(new Date((fake.now() - 120) * 1000).toISOString());
      expect(idle.tasks).toEqual([]);
      expect(fake.stats.requests).toBe(1);
      const idleStats = { ...fake.stats };

      const human = fake.human('alice');
      const changedIds = [3, 50, 120].map((i) => fake.store.tasks[i]!.id);
      const since = new Date((fake.now() - 1) * 1000).toISOString();
      for (const id of changedIds) await human.updateTask(id, { description: `changed ${id}` });
      // Extras read in the second of a change are not cached (see TaskReader); the poll comes a few seconds later.
      fake.clockOffsetMs += 3000;
      fake.resetStats();
      const busy = await adapter.listChangedSince(since);
      expect(busy.tasks.map((t) => Number(t.id)).sort((a, b) => a - b)).toEqual(changedIds);
      expect(fake.stats.requests).toBe(2);
      const busyStats = { ...fake.stats };

      // On a busy day every task was modified today, before the cursor: still one request, but every row comes back.
      const midnight = Math.floor(fake.now() / 86_400) * 86_400;
      let busyDay = 'n/a (too close to midnight)';
      if (fake.now() - midnight > 600) {
        const saved = fake.store.tasks.map((t) => t.date_modification);
        for (const t of fake.store.tasks) t.date_modification = midnight + 1;
        fake.resetStats();
        const quiet = await adapter.listChangedSince(new Date((fake.now() - 120) * 1000).toISOString());
        expect(quiet.tasks).toEqual([]);
        expect(fake.stats.requests).toBe(1);
        busyDay = `${fake.stats.requests} request / ${fake.stats.bytesIn + fake.stats.bytesOut} B`;
        fake.store.tasks.forEach((t, i) => (t.date_modification = saved[i]!));
      }

      // The overlap window lists the same changes again: their extras come from the cache.
      fake.resetStats();
      const again = await adapter.listChangedSince(since);
      expect(again.tasks).toHaveLength(3);
      expect(fake.stats.requests).toBe(1);

      // The seed's naive loop: everything, then one request per task.
      fake.resetStats();
      const rows = (await (
        await fetch(fake.endpoint, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`jsonrpc:${board.appToken}`).toString('base64')}` },
          body: JSON.stringify({ jsonrpc: '2.0', method: 'getAllTasks', id: 1, params: [board.projectId, 1] }),
        })
      ).json()) as { result: { id: number }[] };
      for (const row of rows.result) {
        await fetch(fake.endpoint, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`jsonrpc:${board.appToken}`).toString('base64')}` },
          body: JSON.stringify({ jsonrpc: '2.0', method: 'getTaskTags', id: 1, params: [row.id] }),
        });
      }
      const naive = { ...fake.stats };

      report.push(
        `kanboard fake, ${size} tasks:` +
          ` full listing ${fullStats.requests} requests / ${fullStats.calls} calls / ${fullStats.bytesOut} B;` +
          ` idle poll ${idleStats.requests} request / ${idleStats.bytesIn + idleStats.bytesOut} B` +
          ` (every task touched earlier today: ${busyDay});` +
          ` 3 changes ${busyStats.requests} requests / ${busyStats.bytesIn + busyStats.bytesOut} B;` +
          ` naive loop ${naive.requests} requests / ${naive.bytesIn + naive.bytesOut} B`,
      );
    });
  }

  it('moves the cursor up to the server clock after a quiet search, so the next idle poll returns nothing', async () => {
    const { fake, adapter } = await startKanboard('app', { tasks: 200, daySearchEveryMs: 0 });
    running.push(fake);
    // Everything was last changed three days ago: the day-granular filter would re-list that day forever.
    const threeDaysAgo = fake.now() - 3 * 86_400;
    for (const task of fake.store.tasks) Object.assign(task, { date_modification: threeDaysAgo });
    const first = await adapter.listChangedSince(new Date((threeDaysAgo - 60) * 1000).toISOString());
    expect(first.tasks).toHaveLength(200);
    expect(Date.parse(first.watermark!)).toBeGreaterThanOrEqual((fake.now() - 3) * 1000);
    fake.resetStats();
    // The engine polls again from the cursor minus its two-minute overlap.
    const idle = await adapter.listChangedSince(new Date(Date.parse(first.watermark!) - 120_000).toISOString());
    expect(idle.tasks).toEqual([]);
    expect(fake.stats.requests).toBe(1);
    expect(fake.stats.bytesIn + fake.stats.bytesOut).toBeLessThan(1000);
  });

  it('never serves cached tags for a change made in the same second as the read', async () => {
    const { fake, adapter } = await startKanboard('app', { tasks: 3 });
    running.push(fake);
    const task = fake.store.tasks[0]!;
    const since = new Date((fake.now() - 60) * 1000).toISOString();
    await fake.human('alice').updateTask(task.id, { title: 'first' });
    expect((await adapter.listChangedSince(since)).tasks.find((t) => t.id === String(task.id))?.labels).toEqual([]);
    // Same second: date_modification does not move, only the tags do (Kanboard's tag API does not touch the task).
    fake.store.saveTags(task.project_id, task.id, ['urgent']);
    const again = await adapter.listChangedSince(since);
    expect(again.tasks.find((t) => t.id === String(task.id))?.labels).toEqual(['urgent']);
  });

  it('sees same-day changes although the filter keeps whole days, on a skewed board clock', async () => {
    const { fake, adapter } = await startKanboard('app', { tasks: 5 });
    running.push(fake);
    fake.clockOffsetMs = -5 * 3_600_000;
    for (const t of fake.store.tasks) t.date_modification = fake.now() - 60;
    const task = fake.store.tasks[0]!;
    const before = await adapter.listChangedSince(null);
    await fake.human('bob').updateTask(task.id, { title: 'Skewed' });
    const page = await adapter.listChangedSince(before.watermark);
    expect(page.tasks.map((t) => t.title)).toContain('Skewed');
    // The cursor is the board's clock, five hours behind this machine.
    expect(Date.parse(page.watermark!)).toBeLessThan(Date.now() - 4 * 3_600_000);
  });
});
