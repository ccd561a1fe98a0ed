/**
 * Sync engine benchmark on the built-in local board. Prints numbers, not pass/fail.
 *   npm run bench:engine
 * 1. An idle poll cycle on 200 and 10,000 tasks: adapter calls and bytes, next to the
 *    seed article's naive loop (list everything, then one call per task), same process, same board.
 * 2. Change-to-agent-trigger latency (the local board's in-process "webhook"): p50 / p99.
 * 3. Reconcile throughput for 10,000 changed tasks, and peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBoardAdapter } from '../src/main/core/boards/local/local-adapter';
import { LocalBoardStore } from '../src/main/core/boards/local/local-board-store';
import { setLogLevel } from '../src/main/core/logger';
import { closeDatabase, openDatabase } from '../src/main/core/store/database';
import { bareEngine } from '../test/helpers/bare-engine';
import { countingAdapter } from './counting-adapter';

setLogLevel('warn');
const BOARD = 'bench';

function setup(taskCount: number, onTrigger?: () => void) {
  const dir = mkdtempSync(join(tmpdir(), 'deckhand-bench-'));
  const db = openDatabase(dir);
  // The board's history is old, spread over time as on a real idle board; edits during the run use the real time.
  let offsetMs = -(taskCount + 3600) * 10_000;
  const store = new LocalBoardStore(db, { now: () => Date.now() + offsetMs });
  store.ensureBoard(BOARD);
  store.batch(() => {
    for (let i = 0; i < taskCount; i++) {
      offsetMs += 10_000;
      store.createTask(
        BOARD,
        { title: `Task ${i}`, description: `Body of task ${i}`, labels: ['bench'] },
        'human:bench',
      );
    }
  });
  offsetMs = 0;
  const { adapter, counter } = countingAdapter(new LocalBoardAdapter({ store, boardId: BOARD }));
  const engine = bareEngine(db, [adapter], { hooks: { onHumanChange: () => onTrigger?.() } });
  engine.start();
  // The engine hears the local board's events through adapter.watch, as the app does.
  return {
    db,
    store,
    engine,
    adapter,
    counter,
    async dispose() {
      await engine.stop();
      closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });

async function idleCycle(taskCount: number) {
  const b = setup(taskCount);
  const runner = b.engine.runner(BOARD);
  await runner.fullReconcile();
  await runner.poll();
  b.counter.reset();
  await runner.poll();
  const engine = { calls: b.counter.calls, bytes: b.counter.bytes };
  b.counter.reset();
  // The seed's naive loop: list all tasks, then fetch each one.
  const all = await b.adapter.listTasks();
  for (const t of all) await b.adapter.getTask(t.id);
  const naive = { calls: b.counter.calls, bytes: b.counter.bytes };
  await b.dispose();
  return { taskCount, engine, naive };
}

async function latency(samples: number) {
  let resolveTrigger: (() => void) | undefined;
  const b = setup(50, () => resolveTrigger?.());
  await b.engine.runner(BOARD).fullReconcile();
  const ids = b.store.listTasks(BOARD).map((t) => t.id);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const triggered = new Promise<void>((r) => (resolveTrigger = r));
    const start = performance.now();
    b.store.updateTask(BOARD, ids[i % ids.length]!, { title: `edit ${i}` }, 'human:bench');
    await triggered;
    times.push(performance.now() - start);
  }
  await b.dispose();
  times.sort((x, y) => x - y);
  const pct = (p: number): number => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
  return { samples, p50: pct(50), p99: pct(99), max: times.at(-1)! };
}

async function throughput(taskCount: number) {
  const b = setup(taskCount);
  const runner = b.engine.runner(BOARD);
  const t0 = performance.now();
  await runner.fullReconcile();
  const discoverMs = performance.now() - t0;
  b.store.batch(() => {
    for (const t of b.store.listTasks(BOARD)) {
      b.store.updateTask(BOARD, t.id, { status: 'Done', labels: ['bench', 'done'] }, 'human:bench');
    }
  });
  const t1 = performance.now();
  const { changed } = await runner.poll();
  const changeMs = performance.now() - t1;
  await b.dispose();
  return { taskCount, discoverMs, changed, changeMs };
}

async function main(): Promise<void> {
  console.log('Deckhand sync engine benchmark (local board, in-process adapter; "calls" = adapter calls)\n');
  const t = await throughput(10_000);
  const rssAfterThroughput = process.resourceUsage().maxRSS / 1024;
  console.log('1. Idle poll cycle');
  console.log('   tasks   | engine calls | engine bytes | naive calls | naive bytes | calls ratio | bytes ratio');
  for (const n of [200, 10_000]) {
    const r = await idleCycle(n);
    console.log(
      `   ${fmt(n).padStart(7)} | ${fmt(r.engine.calls).padStart(12)} | ${fmt(r.engine.bytes).padStart(12)} | ${fmt(r.naive.calls).padStart(11)} | ${fmt(r.naive.bytes).padStart(11)} | ${fmt(r.naive.calls / r.engine.calls).padStart(10)}x | ${fmt(r.naive.bytes / Math.max(1, r.engine.bytes)).padStart(10)}x`,
    );
  }
  const l = await latency(300);
  console.log(`\n2. Change-to-agent-trigger latency, ${l.samples} samples (includes the 15 ms coalescing window)`);
  console.log(`   p50 ${fmt(l.p50, 1)} ms   p99 ${fmt(l.p99, 1)} ms   max ${fmt(l.max, 1)} ms`);
  console.log(`\n3. Reconcile throughput, ${fmt(t.taskCount)} tasks`);
  console.log(`   first discovery: ${fmt(t.discoverMs)} ms (${fmt((t.taskCount / t.discoverMs) * 1000)} tasks/s)`);
  console.log(
    `   ${fmt(t.changed)} changed tasks: ${fmt(t.changeMs)} ms (${fmt((t.changed / t.changeMs) * 1000)} tasks/s)`,
  );
  console.log(`   peak RSS while doing it (process-wide, measured first): ${fmt(rssAfterThroughput)} MB`);
}

void main();
