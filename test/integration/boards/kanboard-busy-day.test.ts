import { afterEach, describe, expect, it } from 'vitest';
import type { FakeKanboard } from '../../fakes/kanboard';
import { startKanboard } from '../../boards/kanboard';

const running: FakeKanboard[] = [];
afterEach(async () => {
  for (const fake of running.splice(0)) await fake.stop();
});

/**
 * Kanboard's `modified:` filter keeps whole days, so on a day when every task
 * was touched the day search returns all of them. The project's last_modified
 * (stamped by every task event) must keep an idle poll small without hiding a
 * person's edit or move from the next poll.
 */
describe('kanboard busy day', () => {
  it('keeps an idle poll under 20 KB with 2,000 tasks touched today and still sees a person', async () => {
    const { fake, adapter } = await startKanboard('app', { tasks: 2000 });
    running.push(fake);
    let midnight = Math.floor(fake.now() / 86_400) * 86_400;
    // Far enough from midnight that "today" holds the whole test and its overlap window.
    if (fake.now() - midnight < 900) fake.clockOffsetMs += 900_000;
    midnight = Math.floor(fake.now() / 86_400) * 86_400;
    for (const t of fake.store.tasks) t.date_modification = midnight + 1;
    for (const p of fake.store.projects) p.last_modified = midnight + 1;

    const poll = async (since: string | null) => {
      fake.resetStats();
      const page = await adapter.listChangedSince(since);
      return { page, bytes: fake.stats.bytesIn + fake.stats.bytesOut, requests: fake.stats.requests };
    };
    const overlap = (watermark: string | null) => new Date(Date.parse(watermark!) - 120_000).toISOString();

    const first = await poll(new Date((fake.now() - 120) * 1000).toISOString());
    expect(first.page.tasks).toEqual([]);
    expect(first.bytes).toBeGreaterThan(500_000);

    fake.clockOffsetMs += 3000;
    const idle = await poll(overlap(first.page.watermark));
    expect(idle.page.tasks).toEqual([]);
    expect(idle.requests).toBe(1);
    expect(idle.bytes).toBeLessThanOrEqual(20_000);

    const human = fake.human('alice');
    const [a, b, c] = [10, 500, 1500].map((i) => fake.store.tasks[i]!.id);
    await human.updateTask(a!, { title: 'renamed by a person' });
    await human.moveTask(b!, 'Work in progress');
    const seen = await poll(overlap(idle.page.watermark ?? first.page.watermark));
    const byId = new Map(seen.page.tasks.map((t) => [Number(t.id), t]));
    expect(byId.get(a!)?.title).toBe('renamed by a person');
    expect(byId.get(b!)?.status).toBe('Work in progress');

    // A comment is no task change: waiting runs read comments themselves (listComments), the poll stays small.
    fake.clockOffsetMs += 130_000;
    const settle = await poll(overlap(seen.page.watermark));
    expect(settle.page.tasks.map((t) => Number(t.id)).sort((x, y) => x - y)).toEqual(
      seen.page.tasks.map((t) => Number(t.id)).sort((x, y) => x - y),
    );
    await human.comment(c!, 'a person answers');
    fake.clockOffsetMs += 3000;
    const afterComment = await poll(overlap(settle.page.watermark));
    expect(afterComment.page.tasks).toEqual([]);
    expect(afterComment.bytes).toBeLessThanOrEqual(20_000);
    expect((await adapter.listComments(String(c))).map((x) => x.body)).toContain('a person answers');
    console.log(
      `busy day, 2,000 tasks: day search ${first.requests} req / ${first.bytes} B; idle ${idle.requests} req / ${idle.bytes} B`,
    );
  }, 60_000);
});
