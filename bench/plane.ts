/**
 * Sync engine benchmark against Plane (the fake Plane CE REST v1 server on 127.0.0.1). Prints numbers, not pass/fail.
 *   npm run bench:plane
 * 1. An idle poll cycle on 200 and 10,000 work items made over a month, the newest two days ago: HTTP requests and bytes
 *    (request + response bodies, as the fake counts them) of one engine poll (SyncEngine + PlaneAdapter),
 *    next to the naive loop (list every work item page by page, then GET each one).
 * 2. A busy day on 10,000 work items: a person edits one work item before each poll, 200 times (3 minutes
 *    apart, then as a burst 0.5 s apart); then one idle poll. Plane has no updated-since filter; the adapter
 *    sorts by -updated_at and stops at the watermark, which the engine sets 2 minutes back (its overlap),
 *    so a poll reads the pages holding what changed in the last 2 minutes, whatever happened earlier.
 */
import { PlaneAdapter } from '../src/main/core/boards/plane/adapter';
import { setLogLevel } from '../src/main/core/logger';
import { startFakePlane, type FakePlane } from '../test/fakes/plane';
import { engineOver, fmt, idleVersusNaive, trafficOf, type Traffic } from './engine-over';

setLogLevel('warn');
const DAY_MS = 24 * 3600 * 1000;

/** A project whose work items were made over the last month, the newest two days ago, and a connected adapter. */
async function seeded(count: number): Promise<{ fake: FakePlane; adapter: PlaneAdapter; ids: string[] }> {
  // The fake's clock only goes forward (like updated_at in one database), so it starts a month back.
  const fake = await startFakePlane({ rateLimitPerMinute: 1_000_000_000, clockOffsetMs: -32 * DAY_MS });
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    fake.clockOffsetMs = -2 * DAY_MS - ((count - i) * 30 * DAY_MS) / count;
    const item = fake.store.createIssue(
      fake.projectId,
      { name: `Task ${i}`, description_html: `<p>Details of task ${i}: steps to reproduce, what is expected.</p>` },
      fake.botUser.id,
    );
    ids.push(item.id);
  }
  fake.clockOffsetMs = 0;
  const adapter = new PlaneAdapter({
    boardId: 'pl',
    url: fake.url,
    workspace: fake.workspaceSlug,
    project: fake.project.identifier,
    token: fake.apiKey,
  });
  await adapter.connect();
  return { fake, adapter, ids };
}

/** The naive loop: every work item, page by page (Plane's largest page), then one GET per item. */
async function naiveLoop(fake: FakePlane): Promise<void> {
  const base = `${fake.url}/api/v1/workspaces/${fake.workspaceSlug}/projects/${fake.projectId}/work-items/`;
  const headers = { 'x-api-key': fake.apiKey };
  const ids: string[] = [];
  let cursor: string | null = '1000:0:0';
  while (cursor) {
    const page = (await (await fetch(`${base}?per_page=1000&cursor=${cursor}`, { headers })).json()) as {
      results: { id: string }[];
      next_page_results: boolean;
      next_cursor: string;
    };
    ids.push(...page.results.map((r) => r.id));
    cursor = page.next_page_results ? page.next_cursor : null;
  }
  for (const id of ids) await (await fetch(`${base}${id}/`, { headers })).arrayBuffer();
}

async function idleCycle(count: number): Promise<{ engine: Traffic; naive: Traffic }> {
  const { fake, adapter } = await seeded(count);
  return idleVersusNaive(fake, adapter, () => naiveLoop(fake));
}

/** A person edits one item before each poll, `apartMs` of board time after the last edit. */
async function busyDay(
  count: number,
  edits: number,
  apartMs: number,
): Promise<{ perPoll: Traffic; idleAfter: Traffic }> {
  const { fake, adapter, ids } = await seeded(count);
  try {
    const engine = engineOver(adapter);
    await engine.fullReconcile();
    await engine.poll();
    const person = fake.human('alice');
    fake.resetStats();
    for (let i = 0; i < edits; i++) {
      fake.clockOffsetMs += apartMs;
      await person.update(ids[(i * 37) % ids.length]!, { name: `Task edited ${i}` });
      await engine.poll();
    }
    const perPoll = {
      requests: fake.stats.requests / edits,
      bytes: (fake.stats.bytesIn + fake.stats.bytesOut) / edits,
    };
    fake.resetStats();
    await engine.poll();
    const idleAfter = trafficOf(fake.stats);
    await engine.stop();
    return { perPoll, idleAfter };
  } finally {
    await fake.close();
  }
}

async function main(): Promise<void> {
  console.log('\nDeckhand sync engine benchmark on Plane (fake Plane CE over HTTP on 127.0.0.1)\n');
  console.log(
    '1. Idle poll cycle (work items made over a month, the newest two days ago; bytes = request + response bodies)',
  );
  console.log(
    '   items   | engine requests | engine bytes | naive requests | naive bytes | requests ratio | bytes ratio',
  );
  for (const n of [200, 10_000]) {
    const r = await idleCycle(n);
    console.log(
      `   ${fmt(n).padStart(7)} | ${fmt(r.engine.requests).padStart(15)} | ${fmt(r.engine.bytes).padStart(12)} | ${fmt(r.naive.requests).padStart(14)} | ${fmt(r.naive.bytes).padStart(11)} | ${fmt(r.naive.requests / Math.max(1, r.engine.requests)).padStart(13)}x | ${fmt(r.naive.bytes / Math.max(1, r.engine.bytes), 1).padStart(10)}x`,
    );
  }
  const edits = 200;
  console.log(`\n2. Busy day, 10,000 items: ${edits} edits by a person, one poll after each`);
  for (const [what, apartMs] of [
    ['a day of work (3 min apart)', 3 * 60_000],
    ['a burst (0.5 s apart, all inside the 2-minute overlap)', 500],
  ] as const) {
    const day = await busyDay(10_000, edits, apartMs);
    console.log(
      `   ${what}: per poll ${fmt(day.perPoll.requests, 2)} requests, ${fmt(day.perPoll.bytes)} bytes; idle poll after: ${fmt(day.idleAfter.requests)} request(s), ${fmt(day.idleAfter.bytes)} bytes`,
    );
  }
}

void main();
