/**
 * Throughput benchmark on Kanboard (the FakeKanboard JSON-RPC server on 127.0.0.1). Prints numbers, not pass/fail.
 *   npm run bench:throughput                 (500 tasks)
 *   node --import tsx bench/throughput.ts --tasks 100 --limit 60
 * A whole Deckhand core (real SQLite, config file, the board's real rate budget, webhooks through the HTTP
 * listener, adaptive polling) with one pickup agent whose command answers at once. `--tasks` routed tasks
 * (label needs-ai, column Ready) are created in one go; the run ends when every task has its notes or after
 * `--limit` seconds. It prints tasks/s, requests and bytes per task, the time to the first and last notes,
 * duplicates (a task noted by more than one run) and failed runs, next to the naive loop: a script that lists
 * every task, then per routed task reads it, claims it, writes notes, moves it and unclaims it, one request each.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createCore } from '../src/main/core/app';
import { KanboardRpcClient } from '../src/main/core/boards/kanboard/json-rpc-client';
import { setLogLevel } from '../src/main/core/logger';
import { EnvSecretStore } from '../src/main/core/secrets/env-store';
import { startServer } from '../src/main/core/server/http-server';
import { FakeKanboard, seedStandardBoard, type StandardBoard } from '../test/fakes/kanboard';
import { fmt } from './engine-over';

setLogLevel('error');

const COLUMNS = ['Backlog', 'Ready', 'Work in progress', 'Ready for Review', 'Done'];
const ROLES = { todo: 'Ready', working: 'Work in progress', review: 'Ready for Review' };
/** The instant agent: reads its input, prints its notes. No shell: the runtime never runs one. */
const AGENT = [process.execPath, '-e', 'process.stdin.resume();process.stdin.on("end",()=>console.log("Done."))'];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Figures {
  tasks: number;
  done: number;
  seconds: number;
  requests: number;
  bytes: number;
  /** How long creating the batch took (each creation's webhook is answered before the next, as on Kanboard). */
  batchS: number;
  firstNotesS: number | null;
  lastNotesS: number | null;
  duplicates: number;
  errors: number;
}

async function createBatch(fake: FakeKanboard, board: StandardBoard, n: number): Promise<number[]> {
  const ids: number[] = [];
  const human = fake.human('alice');
  for (let i = 0; i < n; i++) {
    ids.push(
      await human.createTask(board.projectId, {
        title: `Routed ${i + 1}`,
        description: `Look into item ${i + 1}.`,
        column: 'Ready',
        tags: ['needs-ai'],
      }),
    );
  }
  return ids;
}

/** Deckhand: the whole core, as `deckhand serve` runs it. */
async function deckhand(n: number, limitS: number, concurrency: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'deckhand-throughput-'));
  const fake = await FakeKanboard.start();
  try {
    const board = seedStandardBoard(fake, { columns: COLUMNS });
    const env = { KB_TOKEN: board.appToken, KB_HOOK: 'hook-secret-token' };
    const configPath = join(dir, 'deckhand.yml');
    writeFileSync(
      configPath,
      stringify({
        schema_version: 1,
        boards: [
          {
            id: 'kb',
            type: 'kanboard',
            url: fake.url,
            project: board.projectName,
            token: { env: 'KB_TOKEN' },
            webhook: { token: { env: 'KB_HOOK' } },
            columns: ROLES,
          },
        ],
        agents: [
          {
            id: 'quick',
            board: 'kb',
            workflow: 'pickup',
            routes: { labels: ['needs-ai'] },
            concurrency,
            provider: { type: 'command', command: AGENT },
          },
        ],
      }),
    );
    const secrets = new EnvSecretStore(env);
    const core = await createCore({
      dataDir: join(dir, 'data'),
      configPath,
      secrets: { keychain: secrets, env: secrets },
      agents: { probeLocalLlm: false },
    });
    const server = await startServer(core, { host: '127.0.0.1', port: 0, staticDir: dir });
    fake.setWebhook(`${server.url}/webhooks/kb`, env.KB_HOOK);
    try {
      // Let the first full listing of the (empty) project settle before the batch arrives.
      await new Promise((r) => setTimeout(r, 1_500));
      fake.resetStats();
      const t0 = Date.now();
      const ids = await createBatch(fake, board, n);
      const batchS = (Date.now() - t0) / 1000;
      const noted = new Map<number, number>();
      const deadline = t0 + limitS * 1000;
      while (Date.now() < deadline) {
        for (const id of ids) {
          if (!noted.has(id) && fake.store.metadataOf(id).agent_notes) noted.set(id, Date.now() - t0);
        }
        const settled = core.agents.listRuns({ limit: n + 50 }).filter((r) => ['done', 'failed'].includes(r.state));
        if (noted.size === n && settled.length >= n) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const seconds = (Date.now() - t0) / 1000;
      const stats = { ...fake.stats };
      // --log: every request's JSON-RPC methods, in order (how a pickup spends its requests).
      if (process.argv.includes('--log')) for (const r of stats.requestLog) console.log(`   ${r.join(', ')}`);
      const runs = core.agents.listRuns({ limit: n + 50 });
      const times = [...noted.values()].sort((a, b) => a - b);
      const duplicates = ids.filter((id) => {
        const notes = String(fake.store.metadataOf(id).agent_notes ?? '');
        return (notes.match(/run #\d+\)/g) ?? []).length > 1;
      }).length;
      return {
        tasks: n,
        done: noted.size,
        seconds,
        requests: stats.requests,
        bytes: stats.bytesIn + stats.bytesOut,
        batchS,
        firstNotesS: times.length ? times[0]! / 1000 : null,
        lastNotesS: times.length === n ? times.at(-1)! / 1000 : null,
        duplicates,
        errors: runs.filter((r) => r.state === 'failed').length,
      };
    } finally {
      await server.close();
      await core.close();
    }
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The naive loop a script would run: list, then per routed task read, claim, note, move, unclaim. */
async function naive(n: number): Promise<Figures> {
  const fake = await FakeKanboard.start();
  try {
    const board = seedStandardBoard(fake, { columns: COLUMNS });
    const client = new KanboardRpcClient({ url: fake.url, token: board.appToken });
    const columns = fake.store.projectColumns(board.projectId);
    const column = (title: string): number => columns.find((c) => c.title === title)!.id;
    fake.resetStats();
    const t0 = Date.now();
    const ids = await createBatch(fake, board, n);
    const batchS = (Date.now() - t0) / 1000;
    const times: number[] = [];
    const all = await client.call<{ id: string | number }[]>('getAllTasks', {
      project_id: board.projectId,
      status_id: 1,
    });
    for (const row of all) {
      const task_id = Number(row.id);
      const tags = Object.values(await client.call<Record<string, string>>('getTaskTags', { task_id }));
      if (!tags.includes('needs-ai')) continue;
      await client.call('updateTask', { id: task_id, tags: [...tags, 'claim:naive'] });
      await client.call('getTask', { task_id });
      await client.call('saveTaskMetadata', { task_id, values: { agent_notes: 'Done.' } });
      await client.call('moveTaskPosition', {
        project_id: board.projectId,
        task_id,
        column_id: column('Ready for Review'),
        position: 1,
        swimlane_id: 1,
      });
      await client.call('updateTask', { id: task_id, tags });
      times.push(Date.now() - t0);
    }
    const seconds = (Date.now() - t0) / 1000;
    return {
      tasks: n,
      done: ids.filter((id) => fake.store.metadataOf(id).agent_notes).length,
      seconds,
      requests: fake.stats.requests,
      bytes: fake.stats.bytesIn + fake.stats.bytesOut,
      batchS,
      firstNotesS: times.length ? times[0]! / 1000 : null,
      lastNotesS: times.length === n ? times.at(-1)! / 1000 : null,
      duplicates: 0,
      errors: 0,
    };
  } finally {
    await fake.stop();
  }
}

function row(name: string, f: Figures): string {
  const s = (v: number | null): string => (v === null ? '-' : fmt(v, 1));
  return [
    name.padEnd(9),
    `${fmt(f.done)}/${fmt(f.tasks)}`.padStart(9),
    fmt(f.seconds, 1).padStart(7),
    fmt(f.done / f.seconds, 2).padStart(7),
    fmt(f.requests / Math.max(1, f.done), 1).padStart(9),
    fmt(f.bytes / Math.max(1, f.done)).padStart(10),
    fmt(f.batchS, 1).padStart(7),
    s(f.firstNotesS).padStart(7),
    s(f.lastNotesS).padStart(7),
    fmt(f.duplicates).padStart(5),
    fmt(f.errors).padStart(6),
  ].join(' | ');
}

async function main(): Promise<void> {
  const n = arg('tasks', 500);
  const limitS = arg('limit', 300);
  const concurrency = arg('concurrency', 8);
  console.log(`\nThroughput on Kanboard (FakeKanboard over HTTP on 127.0.0.1): ${n} routed tasks created at once`);
  console.log(`Deckhand: whole core, webhooks on, the board's rate budget, agent concurrency ${concurrency}\n`);
  console.log(
    '   who       |      done |       s | tasks/s |  req/task | bytes/task | batch s | first s |  last s | dups | errors',
  );
  console.log(`   ${row('deckhand', await deckhand(n, limitS, concurrency))}`);
  console.log(`   ${row('naive', await naive(n))}`);
  console.log(
    '   (requests and bytes are everything the board answered from the batch on, webhooks and polls included;\n' +
      '    batch s: creating the batch, one task at a time with its webhook answered; first/last s from its start)',
  );
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
