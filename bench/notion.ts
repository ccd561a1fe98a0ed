/**
 * Sync engine benchmark against Notion (the fake Notion REST API 2025-09-03 on 127.0.0.1). Prints numbers, not pass/fail.
 *   npm run bench:notion
 * An idle poll cycle on 200 and 10,000 pages made over a month, the newest two days ago: HTTP requests and bytes
 * (request + response bodies, as the fake counts them) of one engine poll (SyncEngine + NotionAdapter), next to the
 * naive loop (query every page of the data source, then read each page's body, where the description lives).
 * Notion allows about 3 requests a second, so the table also gives the time each needs at that rate.
 */
import { NotionAdapter } from '../src/main/core/boards/notion/adapter';
import { markdownToBlocks } from '../src/main/core/boards/notion/blocks';
import { setLogLevel } from '../src/main/core/logger';
import { startFakeNotion, type FakeNotion } from '../test/fakes/notion';
import { fmt, idleVersusNaive } from './engine-over';

setLogLevel('warn');
const DAY_MS = 24 * 3600 * 1000;
const NOTION_RATE_PER_SECOND = 3;

async function seeded(count: number): Promise<{ fake: FakeNotion; adapter: NotionAdapter }> {
  const fake = await startFakeNotion({ rateLimit: null });
  const status = fake.store.property('Status')!;
  const notStarted = fake.store.options(status)[0];
  for (let i = 1; i <= count; i++) {
    fake.clockOffsetMs = -2 * DAY_MS - ((count - i) * 30 * DAY_MS) / count;
    const body = markdownToBlocks(`Details of task ${i}: steps to reproduce, what is expected.`).map((b) => ({
      type: b.type,
      content: b[b.type] as Record<string, unknown>,
    }));
    fake.store.createPage(
      {
        title: [
          {
            type: 'text',
            text: { content: `Task ${i}`, link: null },
            plain_text: `Task ${i}`,
            href: null,
            annotations: {
              bold: false,
              italic: false,
              strikethrough: false,
              underline: false,
              code: false,
              color: 'default',
            },
          },
        ],
        [status.id]: notStarted,
      },
      body,
      fake.store.userByName('alice')!.id,
    );
  }
  fake.clockOffsetMs = 0;
  const adapter = new NotionAdapter({
    boardId: 'no',
    url: fake.url,
    database: fake.store.databaseId,
    token: fake.token,
  });
  await adapter.connect();
  return { fake, adapter };
}

/** Fails the run: a benchmark over an empty or half-seen database would print meaningless ratios. */
function check(ok: boolean, what: string): void {
  if (!ok) {
    console.error(`bench:notion: ${what}`);
    process.exit(1);
  }
}

/** The naive loop: every page through the query (100 a page, Notion's largest), then each page's blocks. */
async function naiveLoop(fake: FakeNotion): Promise<number> {
  const headers = {
    authorization: `Bearer ${fake.token}`,
    'notion-version': '2025-09-03',
    'content-type': 'application/json',
  };
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${fake.url}/v1/data_sources/${fake.store.dataSourceId}/query`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ page_size: 100, ...(cursor ? { start_cursor: cursor } : {}) }),
    });
    const page = (await res.json()) as { results: { id: string }[]; has_more: boolean; next_cursor: string | null };
    ids.push(...page.results.map((r) => r.id));
    cursor = page.has_more ? page.next_cursor : null;
  } while (cursor);
  for (const id of ids)
    await (await fetch(`${fake.url}/v1/blocks/${id}/children?page_size=100`, { headers })).arrayBuffer();
  return ids.length;
}

const atRate = (requests: number): string => {
  const s = requests / NOTION_RATE_PER_SECOND;
  return s < 60 ? `${fmt(s, 1)} s` : `${fmt(s / 60, 0)} min`;
};

async function main(): Promise<void> {
  console.log('\nDeckhand sync engine benchmark on Notion (fake Notion, REST 2025-09-03, over HTTP on 127.0.0.1)\n');
  console.log('Idle poll cycle (pages made over a month, the newest two days ago; bytes = request + response bodies)');
  console.log(
    '   pages   | engine requests | engine bytes | naive requests | naive bytes | requests ratio | naive at 3 req/s',
  );
  for (const n of [200, 10_000]) {
    const { fake, adapter } = await seeded(n);
    // What the engine's full sync listed and what the naive loop saw, to prove both read the seeded database.
    const listTasks = adapter.listTasks.bind(adapter);
    let listed = -1;
    adapter.listTasks = async () => {
      const tasks = await listTasks();
      listed = tasks.length;
      return tasks;
    };
    let naiveSaw = -1;
    const r = await idleVersusNaive(fake, adapter, async () => void (naiveSaw = await naiveLoop(fake)));
    check(listed === n, `the engine's full sync listed ${listed} pages, ${n} were seeded`);
    check(naiveSaw === n, `the naive loop saw ${naiveSaw} pages, ${n} were seeded`);
    console.log(
      `   ${fmt(n).padStart(7)} | ${fmt(r.engine.requests).padStart(15)} | ${fmt(r.engine.bytes).padStart(12)} | ${fmt(r.naive.requests).padStart(14)} | ${fmt(r.naive.bytes).padStart(11)} | ${fmt(r.naive.requests / Math.max(1, r.engine.requests)).padStart(13)}x | ${atRate(r.naive.requests).padStart(16)}`,
    );
  }
}

void main();
