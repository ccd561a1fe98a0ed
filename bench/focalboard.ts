/**
 * Sync engine benchmark against Focalboard (the fake Focalboard REST API v2 on 127.0.0.1). Prints numbers, not pass/fail.
 *   npm run bench:focalboard
 * An idle poll cycle on 200 and 10,000 cards, each with a text block and a comment: HTTP requests and bytes
 * (request + response bodies, as the fake counts them) of one engine poll (SyncEngine + FocalboardAdapter), next to
 * the naive loop (list the cards, then read each card's content, where the description and comments live).
 *
 * Why not one small request per idle cycle: Focalboard's API has no "changed since" filter (GET
 * /boards/{id}/blocks filters by parent and type only) and no page cursor, and its websocket replays nothing
 * after a gap (Deckhand uses it for hints only, so it cannot replace the poll). So the idle poll is one request, but one that
 * downloads the whole board: its bytes grow with the board, and only the request count stays at one.
 */
import { FocalboardAdapter } from '../src/main/core/boards/focalboard/adapter';
import { setLogLevel } from '../src/main/core/logger';
import { startFakeFocalboard, type FakeFocalboard } from '../test/fakes/focalboard';
import { fmt, idleVersusNaive } from './engine-over';

setLogLevel('warn');
const DAY_MS = 24 * 3600 * 1000;

async function seeded(count: number): Promise<{ fake: FakeFocalboard; adapter: FocalboardAdapter }> {
  const fake = await startFakeFocalboard();
  const alice = fake.addMember('alice');
  const person = fake.human('alice');
  const status = fake.store.template(fake.board, 'Status');
  for (let i = 1; i <= count; i++) {
    fake.clockOffsetMs = -2 * DAY_MS - ((count - i) * 30 * DAY_MS) / count;
    const id = person.createCard({
      title: `Task ${i}`,
      properties: { Status: status.options[i % 3]!.value, Assignee: alice.username },
      text: `Details of task ${i}: steps to reproduce, what is expected.`,
    });
    person.comment(id, `A note on task ${i}.`);
  }
  fake.clockOffsetMs = 0;
  const adapter = new FocalboardAdapter({ boardId: 'fb', url: fake.url, board: fake.board.id, token: fake.token });
  await adapter.connect();
  return { fake, adapter };
}

/** The naive loop: every card, then each card's children (its text blocks and comments). */
async function naiveLoop(fake: FakeFocalboard): Promise<void> {
  const headers = { authorization: `Bearer ${fake.token}`, 'x-requested-with': 'XMLHttpRequest' };
  const base = `${fake.url}/api/v2/boards/${fake.board.id}/blocks`;
  const cards = (await (await fetch(`${base}?type=card`, { headers })).json()) as { id: string }[];
  for (const card of cards) await (await fetch(`${base}?parent_id=${card.id}`, { headers })).arrayBuffer();
}

async function main(): Promise<void> {
  console.log('\nDeckhand sync engine benchmark on Focalboard (fake Focalboard, REST v2, over HTTP on 127.0.0.1)\n');
  console.log('Idle poll cycle (cards with a text block and a comment each; bytes = request + response bodies)');
  console.log(
    '   cards   | engine requests | engine bytes | naive requests | naive bytes | requests ratio | bytes ratio',
  );
  for (const n of [200, 10_000]) {
    const { fake, adapter } = await seeded(n);
    const r = await idleVersusNaive(fake, adapter, () => naiveLoop(fake));
    console.log(
      `   ${fmt(n).padStart(7)} | ${fmt(r.engine.requests).padStart(15)} | ${fmt(r.engine.bytes).padStart(12)} | ${fmt(r.naive.requests).padStart(14)} | ${fmt(r.naive.bytes).padStart(11)} | ${fmt(r.naive.requests / Math.max(1, r.engine.requests)).padStart(13)}x | ${fmt(r.naive.bytes / Math.max(1, r.engine.bytes), 1).padStart(10)}x`,
    );
  }
  console.log(
    '\nOne request per idle cycle, but the whole board each time: Focalboard has no changed-since listing, so the bytes grow with the board.',
  );
}

void main();
