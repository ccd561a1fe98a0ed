/**
 * Sync engine benchmark against Linear (the fake Linear GraphQL API on 127.0.0.1). Prints numbers, not pass/fail.
 *   npm run bench:linear
 * On 200 and 10,000 issues made over a month (the newest two days ago), after a full sync:
 * 1. an idle poll cycle, and
 * 2. a cycle in which a person changed one issue just before the poll,
 * each as HTTP requests, bytes (request + response bodies) and Linear complexity points, as the fake counts them.
 * The fake charges points the way Linear documents it (test/fakes/linear/complexity.ts): 0.1 per scalar field,
 * 1 per object, a connection's selection times its `first`, worked out from the document before it runs.
 * Deckhand's poll is one `issues(filter: {team, updatedAt: {gte: watermark - 2 min}}, first: 10)` query; the naive
 * loop lists every issue of the team each cycle with the same fields in Linear's largest page (250). GraphQL brings
 * the description with the listing, so the naive loop needs no per-issue read.
 */
import { LinearAdapter } from '../src/main/core/boards/linear/adapter';
import { ISSUES_QUERY } from '../src/main/core/boards/linear/queries';
import { LINEAR_COMPLEXITY_PER_HOUR, LINEAR_REQUESTS_PER_HOUR } from '../src/main/core/boards/linear/rate';
import { linearModule } from '../src/main/core/boards/linear/module';
import { DEFAULT_RUNNER_OPTIONS } from '../src/main/core/engine/board-runner';
import { setLogLevel } from '../src/main/core/logger';
import { startFakeLinear, type FakeLinear } from '../test/fakes/linear';
import { engineOver, fmt } from './engine-over';

setLogLevel('warn');
const DAY_MS = 24 * 3600 * 1000;
const NAIVE_PAGE = 250;
const OVERLAP_MS = DEFAULT_RUNNER_OPTIONS.overlapMs;

interface Cost {
  requests: number;
  bytes: number;
  complexity: number;
}

const costOf = (fake: FakeLinear): Cost => ({
  requests: fake.stats.requests,
  bytes: fake.stats.bytesIn + fake.stats.bytesOut,
  complexity: fake.stats.complexity,
});

/** Fails the run: a benchmark over an empty or half-seen board would print meaningless ratios. */
function check(ok: boolean, what: string): void {
  if (!ok) {
    console.error(`bench:linear: ${what}`);
    process.exit(1);
  }
}

/** A team whose issues were made over the last month, the newest two days ago, written straight into the store. */
async function seeded(count: number): Promise<{ fake: FakeLinear; ids: string[] }> {
  // Limits out of the way: the bench measures what a cycle costs, not waiting for Linear's buckets. The store's
  // clock only goes forward (its labels are made at start), so it starts a month back.
  const fake = await startFakeLinear({ requestsPerHour: 1e12, complexityPerHour: 1e15, clockOffsetMs: -32 * DAY_MS });
  const alice = fake.store.users.find((u) => u.displayName === 'alice')!;
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    fake.store.clockOffsetMs = -2 * DAY_MS - ((count - i) * 30 * DAY_MS) / count;
    const issue = fake.store.createIssue(
      {
        teamId: fake.team.id,
        title: `Task ${i}`,
        description: `Details of task ${i}: steps to reproduce, what is expected.`,
        priority: i % 5,
      },
      alice.id,
    );
    ids.push(issue.id);
  }
  fake.store.clockOffsetMs = 0;
  return { fake, ids };
}

/** The naive loop: every issue of the team, page by page, each cycle. Returns how many it saw. */
async function naiveLoop(fake: FakeLinear): Promise<number> {
  let seen = 0;
  let after: string | null = null;
  do {
    const res = await fetch(fake.url, {
      method: 'POST',
      headers: { authorization: fake.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: ISSUES_QUERY,
        variables: { filter: { team: { id: { eq: fake.team.id } } }, first: NAIVE_PAGE, ...(after ? { after } : {}) },
      }),
    });
    const body = (await res.json()) as {
      data?: { issues: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
      errors?: unknown;
    };
    check(res.ok && !!body.data, `the naive listing was refused: ${JSON.stringify(body.errors)}`);
    seen += body.data!.issues.nodes.length;
    after = body.data!.issues.pageInfo.hasNextPage ? body.data!.issues.pageInfo.endCursor : null;
  } while (after);
  return seen;
}

interface Run {
  idle: Cost;
  changed: Cost;
  naive: Cost;
  fullSync: Cost;
}

async function run(count: number): Promise<Run> {
  const { fake, ids } = await seeded(count);
  try {
    const adapter = new LinearAdapter({ boardId: 'ln', url: fake.url, team: fake.team.key, token: fake.apiKey });
    await adapter.connect();
    // What each poll brought back, to prove the engine saw the board it is measured on.
    const polled: number[] = [];
    const listChangedSince = adapter.listChangedSince.bind(adapter);
    adapter.listChangedSince = async (since) => {
      const page = await listChangedSince(since);
      polled.push(page.tasks.length);
      return page;
    };
    const listTasks = adapter.listTasks.bind(adapter);
    let listed = -1;
    adapter.listTasks = async () => {
      const tasks = await listTasks();
      listed = tasks.length;
      return tasks;
    };

    const engine = engineOver(adapter);
    fake.resetStats();
    await engine.fullReconcile();
    const fullSync = costOf(fake);
    check(listed === count, `the full sync listed ${listed} issues, ${count} were seeded`);
    await engine.poll();

    fake.resetStats();
    polled.length = 0;
    await engine.poll();
    const idle = costOf(fake);
    // The engine asks from its watermark (the newest updatedAt it has seen) minus its 2-minute overlap, so the
    // poll brings back the issues inside that window again (deduplicated by version): here the newest one.
    const cursor = Math.max(...[...fake.store.issues.values()].map((i) => Date.parse(i.updatedAt)));
    const inWindow = () =>
      [...fake.store.issues.values()].filter((i) => Date.parse(i.updatedAt) >= cursor - OVERLAP_MS).length;
    const idleExpected = inWindow();
    check(
      polled.length === 1 && polled[0] === idleExpected,
      `the idle poll saw ${polled.join(', ')} issues, expected ${idleExpected}`,
    );

    await fake.human('alice').update(ids[Math.floor(count / 2)]!, { title: 'Task edited by a person' });
    fake.resetStats();
    polled.length = 0;
    await engine.poll();
    const changed = costOf(fake);
    const changedExpected = inWindow();
    check(
      polled.length === 1 && polled[0] === changedExpected && changedExpected === idleExpected + 1,
      `the poll after one edit saw ${polled.join(', ')} issues, expected ${changedExpected}`,
    );
    await engine.stop();

    fake.resetStats();
    const seen = await naiveLoop(fake);
    check(seen === count, `the naive loop saw ${seen} issues, ${count} were seeded`);
    return { idle, changed, naive: costOf(fake), fullSync };
  } finally {
    await fake.close();
  }
}

const row = (label: string, c: Cost): string =>
  `${label.padEnd(28)} | ${fmt(c.requests).padStart(8)} | ${fmt(c.bytes).padStart(11)} | ${fmt(c.complexity).padStart(10)}`;

const ratio = (naive: Cost, engine: Cost): string =>
  `naive / engine: ${fmt(naive.requests / Math.max(1, engine.requests), 1)}x requests, ${fmt(naive.bytes / Math.max(1, engine.bytes), 1)}x bytes, ${fmt(naive.complexity / Math.max(1, engine.complexity), 1)}x points`;

async function main(): Promise<void> {
  const started = Date.now();
  const pollMs = linearModule.syncPolicy.pollIntervalMs;
  const reconcileMs = linearModule.syncPolicy.fullReconcileMs;
  const pollsPerHour = 3_600_000 / pollMs;
  console.log('\nDeckhand sync engine benchmark on Linear (fake Linear GraphQL over HTTP on 127.0.0.1)\n');
  console.log('Issues made over a month, the newest two days ago; bytes = request + response bodies;');
  console.log("points = Linear's complexity points as the fake charges them (Linear's documented rule).");
  for (const n of [200, 10_000]) {
    const r = await run(n);
    console.log(`\n${`${fmt(n)} issues`.padEnd(28)} | requests |       bytes |     points`);
    console.log(row('Deckhand, idle poll', r.idle));
    console.log(row('Deckhand, one issue changed', r.changed));
    console.log(row('naive loop (list all)', r.naive));
    console.log(row('Deckhand, full sync (once)', r.fullSync));
    console.log(`   idle:    ${ratio(r.naive, r.idle)}`);
    console.log(`   changed: ${ratio(r.naive, r.changed)}`);
    // An hour at the Linear board's defaults: a poll every 30 s and one full reconcile an hour.
    const engineHour = r.idle.complexity * pollsPerHour + (r.fullSync.complexity * 3_600_000) / reconcileMs;
    const naiveHour = r.naive.complexity * pollsPerHour;
    console.log(
      `   an hour (poll every ${pollMs / 1000} s, full reconcile every ${reconcileMs / 60_000} min): Deckhand ${fmt(engineHour)} points, ` +
        `${fmt((100 * engineHour) / LINEAR_COMPLEXITY_PER_HOUR, 1)}% of a key's ${fmt(LINEAR_COMPLEXITY_PER_HOUR)}; ` +
        `naive ${fmt(naiveHour)} points (${fmt(naiveHour / LINEAR_COMPLEXITY_PER_HOUR, 1)}x the budget, ` +
        `${fmt(r.naive.requests * pollsPerHour)} of ${fmt(LINEAR_REQUESTS_PER_HOUR)} requests)`,
    );
  }
  console.log(`\n(${fmt((Date.now() - started) / 1000, 1)} s)`);
}

void main();
