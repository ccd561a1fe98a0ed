/**
 * Sync engine benchmark against Taiga (the fake taiga-back REST API on 127.0.0.1). Prints numbers, not pass/fail.
 *   npm run bench:taiga
 * 1. An idle poll cycle on 200 and 10,000 user stories made over a month, the newest two days ago: HTTP requests
 *    and bytes (request + response bodies, as the fake counts them) of one engine poll (SyncEngine + TaigaAdapter),
 *    next to the naive loop. Taiga's list items lack `description`, so the naive loop lists every story (pages of
 *    1000, Taiga's largest) and then GETs each one in full.
 * 2. A busy day on 10,000 user stories: a person edits a few stories before each poll (3 minutes apart), then a
 *    burst of 50 edited at once before one poll, then one idle poll. Taiga filters on `modified_date__gte`
 *    itself, so a poll is one list request for what changed since the watermark (less the engine's 2-minute
 *    overlap) plus one full read per story whose version changed.
 * 3. The first full sync (every story listed and read in full once, since list items lack descriptions) and a
 *    full reconcile after it (the list pages only: every version matches the cached full read).
 */
import { TaigaAdapter } from '../src/main/core/boards/taiga/adapter';
import { setLogLevel } from '../src/main/core/logger';
import { startFakeTaiga, type FakeTaiga } from '../test/fakes/taiga';
import { engineOver, fmt, idleVersusNaive, trafficOf, type Traffic } from './engine-over';

setLogLevel('warn');
const DAY_MS = 24 * 3600 * 1000;
const PASSWORD = '123123';

/**
 * A project whose user stories were made over the last month, the newest two days ago, and a connected adapter.
 * The fake's clock only goes forward (modified_date in one database), so the stories are made from now on and
 * the clock then moves 32 days ahead; the adapter logs in after that, on the server's time.
 */
async function seeded(count: number): Promise<{ fake: FakeTaiga; adapter: TaigaAdapter; ids: number[] }> {
  const fake = await startFakeTaiga({ users: [{ username: 'alice', password: PASSWORD }] });
  const admin = fake.store.userByName('admin')!;
  const ids: number[] = [];
  for (let i = 1; i <= count; i++) {
    const story = fake.store.createStory(
      {
        project: fake.projectId,
        subject: `Task ${i}`,
        description: `Details of task ${i}: steps to reproduce, what is expected.`,
      },
      admin,
    );
    ids.push(story.id);
    fake.advanceClock((30 * DAY_MS) / count);
  }
  fake.store.events = [];
  fake.advanceClock(2 * DAY_MS);
  const adapter = new TaigaAdapter({
    boardId: 'tg',
    url: fake.url,
    project: fake.projectSlug,
    username: 'admin',
    password: PASSWORD,
  });
  await adapter.connect();
  return { fake, adapter, ids };
}

/** The naive loop: every user story, 1000 a page, then one GET per story for its description. */
async function naiveLoop(fake: FakeTaiga): Promise<void> {
  const headers = { authorization: `Bearer ${fake.tokensFor('admin').auth_token}` };
  const ids: number[] = [];
  let next: string | null = `${fake.apiUrl}userstories?project=${fake.projectId}&page_size=1000`;
  while (next) {
    const answer: Response = await fetch(next, { headers });
    ids.push(...((await answer.json()) as { id: number }[]).map((s) => s.id));
    next = answer.headers.get('x-pagination-next');
  }
  for (const id of ids) await (await fetch(`${fake.apiUrl}userstories/${id}`, { headers })).arrayBuffer();
}

async function idleCycle(count: number): Promise<{ engine: Traffic; naive: Traffic }> {
  const { fake, adapter } = await seeded(count);
  return idleVersusNaive(fake, adapter, () => naiveLoop(fake));
}

interface BusyDay {
  polls: number;
  editsPerPoll: number;
  perPoll: Traffic;
  burst: Traffic;
  burstSize: number;
  idleAfter: Traffic;
}

/** `polls` polls 3 minutes apart with `editsPerPoll` stories edited by a person before each; then a burst. */
async function busyDay(count: number, polls: number, editsPerPoll: number, burstSize: number): Promise<BusyDay> {
  const { fake, adapter, ids } = await seeded(count);
  try {
    const engine = engineOver(adapter);
    await engine.fullReconcile();
    await engine.poll();
    const person = fake.human('alice');
    let edit = 0;
    fake.resetStats();
    for (let p = 0; p < polls; p++) {
      fake.advanceClock(3 * 60_000);
      for (let e = 0; e < editsPerPoll; e++, edit++) {
        await person.edit(ids[(edit * 37) % ids.length]!, { subject: `Task edited ${edit}` });
      }
      await engine.poll();
    }
    const perPoll = {
      requests: fake.stats.requests / polls,
      bytes: (fake.stats.bytesIn + fake.stats.bytesOut) / polls,
    };
    fake.advanceClock(3 * 60_000);
    for (let e = 0; e < burstSize; e++, edit++) {
      await person.move(ids[(edit * 37) % ids.length]!, 'In progress');
    }
    fake.resetStats();
    await engine.poll();
    const burst = trafficOf(fake.stats);
    fake.advanceClock(3 * 60_000);
    fake.resetStats();
    await engine.poll();
    const idleAfter = trafficOf(fake.stats);
    await engine.stop();
    return { polls, editsPerPoll, perPoll, burst, burstSize, idleAfter };
  } finally {
    await fake.close();
  }
}

/** The first full sync of a fresh engine and adapter, then a second full reconcile on the same adapter. */
async function fullSyncs(count: number): Promise<{ first: Traffic; firstMs: number; again: Traffic; againMs: number }> {
  const { fake, adapter } = await seeded(count);
  try {
    const engine = engineOver(adapter);
    fake.resetStats();
    let t = performance.now();
    await engine.fullReconcile();
    const first = trafficOf(fake.stats);
    const firstMs = performance.now() - t;
    fake.advanceClock(10 * 60_000);
    fake.resetStats();
    t = performance.now();
    await engine.fullReconcile();
    const again = trafficOf(fake.stats);
    const againMs = performance.now() - t;
    await engine.stop();
    return { first, firstMs, again, againMs };
  } finally {
    await fake.close();
  }
}

async function main(): Promise<void> {
  console.log('\nDeckhand sync engine benchmark on Taiga (fake taiga-back REST v1 over HTTP on 127.0.0.1)\n');
  console.log(
    '1. Idle poll cycle (user stories made over a month, the newest two days ago; bytes = request + response bodies;',
  );
  console.log('   naive = list every story, 1000 a page, then GET each one for its description)');
  console.log(
    '   stories | engine requests | engine bytes | naive requests | naive bytes | requests ratio | bytes ratio',
  );
  for (const n of [200, 10_000]) {
    const r = await idleCycle(n);
    console.log(
      `   ${fmt(n).padStart(7)} | ${fmt(r.engine.requests).padStart(15)} | ${fmt(r.engine.bytes).padStart(12)} | ${fmt(r.naive.requests).padStart(14)} | ${fmt(r.naive.bytes).padStart(11)} | ${fmt(r.naive.requests / Math.max(1, r.engine.requests)).padStart(13)}x | ${fmt(r.naive.bytes / Math.max(1, r.engine.bytes), 1).padStart(10)}x`,
    );
  }
  const day = await busyDay(10_000, 100, 3, 50);
  console.log(
    `\n2. Busy day, 10,000 stories: ${day.polls} polls 3 minutes apart, a person edits ${day.editsPerPoll} stories before each`,
  );
  console.log(
    `   per poll ${fmt(day.perPoll.requests, 2)} requests (1 list + 1 full read per changed story), ${fmt(day.perPoll.bytes)} bytes`,
  );
  console.log(
    `   a burst of ${day.burstSize} stories moved before one poll: ${fmt(day.burst.requests)} requests, ${fmt(day.burst.bytes)} bytes; idle poll after: ${fmt(day.idleAfter.requests)} request(s), ${fmt(day.idleAfter.bytes)} bytes (it lists the burst again, inside the 2-minute overlap; versions match, no reads)`,
  );
  const full = await fullSyncs(10_000);
  console.log('\n3. Full syncs, 10,000 stories (a fresh engine and adapter, then a full reconcile 10 minutes later)');
  console.log(
    `   first full sync: ${fmt(full.first.requests)} requests (10 list pages + one full read per story, once: list items lack the description), ${fmt(full.first.bytes)} bytes, ${fmt(full.firstMs / 1000, 1)} s`,
  );
  console.log(
    `   full reconcile after it: ${fmt(full.again.requests)} request(s) (list pages only: versions match the cached full reads), ${fmt(full.again.bytes)} bytes, ${fmt(full.againMs / 1000, 1)} s`,
  );
}

void main();
