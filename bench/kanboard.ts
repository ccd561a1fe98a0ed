/**
 * Sync engine benchmark against Kanboard (the FakeKanboard JSON-RPC server on 127.0.0.1). Prints numbers, not pass/fail.
 *   npm run bench:kanboard
 * An idle poll cycle on 200 and 10,000 tasks, all last modified on an earlier day (an idle board):
 * HTTP requests and bytes (request + response bodies, as the fake counts them) for one engine poll
 * (runner.poll() through SyncEngine + KanboardAdapter), next to the seed article's naive loop
 * (getAllTasks, then one getTask per task) over the same JSON-RPC client.
 * The engine's idle poll is one searchTasks request with `modified:>=<cursor>`, the cursor being the last
 * change it saw. Kanboard applies that filter by whole days, so the answer holds every task changed on
 * the day of the board's last change: on this board, seeded in one go, all of them.
 */
import { KanboardAdapter } from '../src/main/core/boards/kanboard';
import { KanboardRpcClient } from '../src/main/core/boards/kanboard/json-rpc-client';
import { setLogLevel } from '../src/main/core/logger';
import { engineOver, fmt, idlePollAfterSync } from './engine-over';
import { FakeKanboard, seedStandardBoard, type FakeStats } from '../test/fakes/kanboard';

setLogLevel('warn');
const BOARD = 'kb';
const DAY_MS = 24 * 3600 * 1000;

interface Traffic {
  requests: number;
  calls: number;
  bytes: number;
}

const traffic = (s: FakeStats): Traffic => ({ requests: s.requests, calls: s.calls, bytes: s.bytesIn + s.bytesOut });

async function idleCycle(taskCount: number): Promise<{ taskCount: number; engine: Traffic; naive: Traffic }> {
  const fake = await FakeKanboard.start();
  try {
    // The board's tasks were last touched two days ago; nothing changes during the run.
    fake.clockOffsetMs = -2 * DAY_MS;
    const board = seedStandardBoard(fake, { tasks: taskCount });
    fake.clockOffsetMs = 0;
    const adapter = new KanboardAdapter({
      boardId: BOARD,
      url: fake.url,
      project: board.projectName,
      token: board.appToken,
    });
    await adapter.connect();
    const engine = engineOver(adapter);
    await idlePollAfterSync(engine, () => fake.resetStats());
    const engineTraffic = traffic(fake.stats);
    await engine.stop();

    // The seed's naive loop: list every open task of the project, then fetch each one.
    const client = new KanboardRpcClient({ url: fake.url, token: board.appToken });
    fake.resetStats();
    const all = await client.call<{ id: string | number }[]>('getAllTasks', {
      project_id: board.projectId,
      status_id: 1,
    });
    for (const t of all) await client.call('getTask', { task_id: Number(t.id) });
    const naive = traffic(fake.stats);
    return { taskCount, engine: engineTraffic, naive };
  } finally {
    await fake.stop();
  }
}

async function main(): Promise<void> {
  console.log('\nDeckhand sync engine benchmark on Kanboard (FakeKanboard over HTTP on 127.0.0.1)\n');
  console.log('1. Idle poll cycle (tasks last modified on an earlier day; bytes = request + response bodies)');
  console.log(
    '   tasks   | engine requests | engine calls | engine bytes | naive requests | naive bytes | requests ratio | bytes ratio',
  );
  for (const n of [200, 10_000]) {
    const r = await idleCycle(n);
    console.log(
      `   ${fmt(n).padStart(7)} | ${fmt(r.engine.requests).padStart(15)} | ${fmt(r.engine.calls).padStart(12)} | ${fmt(r.engine.bytes).padStart(12)} | ${fmt(r.naive.requests).padStart(14)} | ${fmt(r.naive.bytes).padStart(11)} | ${fmt(r.naive.requests / Math.max(1, r.engine.requests)).padStart(13)}x | ${fmt(r.naive.bytes / Math.max(1, r.engine.bytes), 1).padStart(10)}x`,
    );
  }
}

void main();
