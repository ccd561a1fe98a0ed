/**
 * Sync engine benchmark against WeKan (the fake WeKan REST API on 127.0.0.1). Prints numbers, not pass/fail.
 *   npm run bench:wekan
 * 1. An idle poll cycle on 200 and 10,000 cards (six lists, cards made over a month, the newest two days ago): HTTP
 *    requests and bytes (request + response bodies, as the fake counts them) of one engine poll (SyncEngine +
 *    WekanAdapter: `GET /api/boards/:id/lists`, whose `cardsModifiedAt` says which lists have a card changed since
 *    the watermark; only those lists are read again), next to the naive loop: every list's compact card listing,
 *    then each card in full (the listing lacks labels and modification dates, so a change cannot be seen without it).
 * 2. One card edited by a person before a poll: its list's `cardsModifiedAt` moves, and that list is read again
 *    (its compact listing, then each of its cards in full).
 * 3. One write by Deckhand (verified: read, PUT, read back), then the poll after it.
 * 4. For reference, the one-request full scan: the board's JSON export (what a full reconcile reads).
 *
 * The board is seeded straight into the fake's store (no HTTP), so only the measured cycles go over the wire.
 */
import { WekanAdapter } from '../src/main/core/boards/wekan/adapter';
import { setLogLevel } from '../src/main/core/logger';
import { startFakeWekan, type FakeWekan } from '../test/fakes/wekan';
import { engineOver, fmt, idlePollAfterSync, trafficOf, type Traffic } from './engine-over';

setLogLevel('warn');
const DAY_MS = 24 * 3600 * 1000;
const PASSWORD = 'bench-password';

/** A board with `count` cards spread over its six lists, made over the last month (the newest two days ago). */
async function seeded(count: number): Promise<{ fake: FakeWekan; adapter: WekanAdapter }> {
  const fake = await startFakeWekan();
  fake.admin.password = PASSWORD;
  const alice = fake.addMember('alice', PASSWORD);
  const s = fake.store;
  const lists = s.lists.filter((l) => l.boardId === fake.board._id);
  const swimlaneId = s.swimlanes.find((l) => l.boardId === fake.board._id)!._id;
  fake.board.labels[0]!.name = 'bug';
  fake.board.labels[1]!.name = 'feature';
  for (let i = 1; i <= count; i++) {
    fake.clockOffsetMs = -2 * DAY_MS - ((count - i) * 30 * DAY_MS) / count;
    s.insertCard({
      title: `Task ${i}`,
      description: `Details of task ${i}: steps to reproduce, what is expected.`,
      boardId: fake.board._id,
      listId: lists[i % lists.length]!._id,
      swimlaneId,
      userId: fake.admin._id,
      labelIds: [fake.board.labels[i % 2]!._id],
      assignees: i % 3 === 0 ? [alice._id] : [],
      sort: i,
    });
  }
  fake.clockOffsetMs = 0;
  const adapter = new WekanAdapter({
    boardId: 'wk',
    url: fake.url,
    board: fake.board.title,
    username: 'admin',
    password: PASSWORD,
  });
  await adapter.connect();
  return { fake, adapter };
}

async function loginToken(fake: FakeWekan): Promise<string> {
  const answer = await fetch(`${fake.url}/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  return ((await answer.json()) as { token: string }).token;
}

/** The naive loop: the lists, every list's compact cards, then each card in full (8 reads in flight, as the adapter). */
async function naiveLoop(fake: FakeWekan, token: string): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  const base = `${fake.url}/api/boards/${fake.board._id}`;
  const lists = (await (await fetch(`${base}/lists`, { headers })).json()) as { _id: string }[];
  const ids: string[] = [];
  for (const list of lists) {
    const cards = (await (await fetch(`${base}/lists/${list._id}/cards`, { headers })).json()) as { _id: string }[];
    ids.push(...cards.map((c) => c._id));
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      await (await fetch(`${fake.url}/api/cards/${id}`, { headers })).arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

interface Measured {
  cards: number;
  idle: Traffic;
  naive: Traffic;
  oneChanged: Traffic;
  oneChangedPaths: Record<string, number>;
  cardsInList: number;
  idleAfter: Traffic;
  write: Traffic;
  pollAfterWrite: Traffic;
  exportScan: Traffic;
  seconds: number;
}

async function measure(count: number): Promise<Measured> {
  const started = performance.now();
  const { fake, adapter } = await seeded(count);
  try {
    const engine = engineOver(adapter);
    await idlePollAfterSync(engine, () => fake.resetStats());
    const idle = trafficOf(fake.stats);

    // One card edited in the web UI, then one poll.
    const card = fake.store.cards[Math.floor(count / 2)]!;
    fake.human('alice').edit(card._id, { title: `${card.title} (edited)` });
    fake.resetStats();
    await engine.poll();
    const oneChanged = trafficOf(fake.stats);
    const oneChangedPaths = { ...fake.stats.byPath };
    const cardsInList = fake.store.cards.filter((c) => c.listId === card.listId && !c.archived).length;
    fake.resetStats();
    await engine.poll();
    const idleAfter = trafficOf(fake.stats);

    // One write by Deckhand (read, PUT, read back), then the next poll, which reads that card's list again.
    const other = fake.store.cards[Math.floor(count / 3)]!;
    fake.resetStats();
    await adapter.updateTask(other._id, { title: `${other.title} (by Deckhand)` });
    const write = trafficOf(fake.stats);
    fake.resetStats();
    await engine.poll();
    const pollAfterWrite = trafficOf(fake.stats);
    await engine.stop();

    const token = await loginToken(fake);
    fake.resetStats();
    await naiveLoop(fake, token);
    const naive = trafficOf(fake.stats);

    fake.resetStats();
    await (
      await fetch(`${fake.url}/api/boards/${fake.board._id}/export?attachments=false`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).arrayBuffer();
    const exportScan = trafficOf(fake.stats);
    return {
      cards: count,
      idle,
      naive,
      oneChanged,
      oneChangedPaths,
      cardsInList,
      idleAfter,
      write,
      pollAfterWrite,
      exportScan,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await fake.close();
  }
}

const kb = (bytes: number): string =>
  bytes >= 1_000_000
    ? `${fmt(bytes / 1_000_000, 1)} MB`
    : bytes >= 1_000
      ? `${fmt(bytes / 1_000, 1)} KB`
      : `${bytes} B`;

async function main(): Promise<void> {
  console.log('\nDeckhand sync engine benchmark on WeKan (fake WeKan REST API over HTTP on 127.0.0.1)\n');
  const results: Measured[] = [];
  for (const n of [200, 10_000]) results.push(await measure(n));

  console.log('1. Idle poll cycle (six lists, cards made over a month, the newest two days ago; bytes = request +');
  console.log("   response bodies; naive = every list's compact cards, then GET each card in full)");
  console.log(
    '   cards   | engine requests | engine bytes | naive requests | naive bytes | requests ratio | bytes ratio',
  );
  for (const r of results) {
    console.log(
      `   ${fmt(r.cards).padStart(7)} | ${fmt(r.idle.requests).padStart(15)} | ${kb(r.idle.bytes).padStart(12)} | ${fmt(r.naive.requests).padStart(14)} | ${kb(r.naive.bytes).padStart(11)} | ${fmt(r.naive.requests / Math.max(1, r.idle.requests)).padStart(13)}x | ${fmt(r.naive.bytes / Math.max(1, r.idle.bytes), 1).padStart(10)}x`,
    );
  }

  console.log('\n2. A poll after one card was edited (its list is read again: compact listing + each of its cards)');
  console.log('   cards   | cards in that list | engine requests | engine bytes | naive requests | naive bytes');
  for (const r of results) {
    console.log(
      `   ${fmt(r.cards).padStart(7)} | ${fmt(r.cardsInList).padStart(18)} | ${fmt(r.oneChanged.requests).padStart(15)} | ${kb(r.oneChanged.bytes).padStart(12)} | ${fmt(r.naive.requests).padStart(14)} | ${kb(r.naive.bytes).padStart(11)}`,
    );
  }
  const last = results[results.length - 1]!;
  console.log(`   requests by route at ${fmt(last.cards)} cards:`);
  for (const [route, n] of Object.entries(last.oneChangedPaths)) console.log(`     ${fmt(n).padStart(6)}  ${route}`);
  for (const r of results) {
    console.log(
      `   ${fmt(r.cards).padStart(7)} cards: the idle poll after it is ${fmt(r.idleAfter.requests)} request, ${kb(r.idleAfter.bytes)} (the list's new read is kept)`,
    );
  }

  console.log('\n3. One write by Deckhand (read the card, PUT, read it back to verify), then the next poll');
  for (const r of results) {
    console.log(
      `   ${fmt(r.cards).padStart(7)} cards: write ${fmt(r.write.requests)} requests, ${kb(r.write.bytes)}; next poll ${fmt(r.pollAfterWrite.requests)} requests, ${kb(r.pollAfterWrite.bytes)} (the written card's list is read again)`,
    );
  }

  console.log("\n4. The one-request full scan, for reference: the board's JSON export (a full reconcile reads it)");
  for (const r of results) {
    console.log(
      `   ${fmt(r.cards).padStart(7)} cards: ${fmt(r.exportScan.requests)} request, ${kb(r.exportScan.bytes)}`,
    );
  }
  console.log(`\n   run time: ${results.map((r) => `${fmt(r.cards)} cards ${fmt(r.seconds, 1)} s`).join(', ')}`);

  console.log(
    `
What WeKan reaches, and why not one request per change: its API has no "cards changed since" query and no page
cursor. The one cheap signal is GET /lists with each list's cardsModifiedAt, so an idle poll is one request whose
size grows with the number of lists, not cards: that much is one request per idle cycle. But the signal names a
list, not a card, and a list's compact card listing carries neither labels nor a modification date, so a poll after
any change (a person's edit, or Deckhand's own verified write) reads that whole list card by card: ${fmt(last.cardsInList)} reads
at ${fmt(last.cards)} cards on six lists. A change costs its whole list; a board with a changed-since query (Plane, Taiga) pays for the changed cards only.`,
  );
}

void main();
