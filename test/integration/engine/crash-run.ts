/** What the crash tests on remote boards share: the child engine, its scenarios, and the log's one-effect check. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { expect } from 'vitest';
import type { BoardAdapter } from '../../../src/main/core/boards/contract/adapter';
import type { CrashPoint } from '../../../src/main/core/engine/crash-points';
import { closeDatabase, openDatabase } from '../../../src/main/core/store/database';
import { LogRepo } from '../../../src/main/core/store/log-repo';
import { bareEngine } from '../../helpers/bare-engine';
import { CRASH_BOARD, CRASH_TEXT, type CrashBoardShape, type Kind } from './crash-intents';

const ROOT = join(__dirname, '..', '..', '..');
const CHILD = join(ROOT, 'test', 'fixtures', 'engine-crash-board-child.ts');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How the child reaches the board: its config entry (secrets as env references), those env values, the shape. */
export interface ChildBoard {
  entry: Record<string, unknown>;
  env: Record<string, string>;
  shape: CrashBoardShape;
}

const bundles = new Map<string, Promise<string>>();
let bundleDir: string | undefined;

/**
 * The child's source bundled once per test process into one CommonJS file
 * (native modules left out, found through NODE_PATH). Started through tsx, a
 * child spent about a second of CPU loading some 200 TypeScript files (the
 * Linear SDK alone is 3 MB); with fourteen scenarios, two children each and
 * five at a time on two cores, that pushed a scenario towards its timeout.
 * Bundled, a child starts in about 0.3 s. The code it runs is the same.
 */
function bundled(file: string): Promise<string> {
  let out = bundles.get(file);
  if (!out) {
    if (!bundleDir) {
      const dir = mkdtempSync(join(tmpdir(), 'deckhand-crash-child-'));
      bundleDir = dir;
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    }
    const outfile = join(bundleDir, `${basename(file, '.ts')}.cjs`);
    out = build({
      entryPoints: [file],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: ['better-sqlite3', 'keytar', 'electron'],
      logLevel: 'error',
    }).then(() => outfile);
    bundles.set(file, out);
  }
  return out;
}

/** Runs a crash child (the bundled `<file>` with `<args>`), SIGKILLed by itself at `crashAt` when given. */
export async function runCrashChild(
  file: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv,
  crashAt?: CrashPoint,
): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...extraEnv,
    DECKHAND_LOG_LEVEL: 'error',
    NODE_PATH: join(ROOT, 'node_modules'),
  };
  delete env.DECKHAND_CRASH_AT;
  if (crashAt) env.DECKHAND_CRASH_AT = crashAt;
  const program = await bundled(file);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [program, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runBoardChild(
  b: ChildBoard,
  dataDir: string,
  script: string,
  crashAt?: CrashPoint,
): Promise<ChildResult> {
  const env = {
    ...b.env,
    DECKHAND_CRASH_ENTRY: JSON.stringify(b.entry),
    DECKHAND_CRASH_SHAPE: JSON.stringify(b.shape),
  };
  return runCrashChild(CHILD, [dataDir, script], env, crashAt);
}

export function expectOk(result: ChildResult): Record<string, unknown> {
  expect(result.signal, result.stderr).toBeNull();
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

/** Deckhand's first sync of the board, in the test process, before the child runs. */
export async function firstSync(adapter: BoardAdapter, dataDir: string): Promise<void> {
  const db = openDatabase(dataDir);
  const engine = bareEngine(db, [adapter]);
  try {
    await engine.runner(CRASH_BOARD).fullReconcile();
    expect(engine.base.all(CRASH_BOARD)).toHaveLength(3);
  } finally {
    await engine.stop();
    closeDatabase(db);
  }
}

/** The engine's log: each intent queued once, each create and comment recorded once, the person's edit seen. */
export function expectLoggedOnce(dataDir: string, humanTaskId: string, humanEdited: boolean): void {
  const db = openDatabase(dataDir);
  try {
    const log = [...new LogRepo(db).iterate({ boardId: CRASH_BOARD })];
    const actions = (action: string) => log.filter((e) => e.action === action);
    expect(actions('intent.queued')).toHaveLength(7);
    expect(actions('task.created')).toHaveLength(2);
    expect(actions('comment.added')).toHaveLength(2);
    expect(actions('field.changed').filter((e) => e.actor === 'human')).toEqual(
      humanEdited
        ? [expect.objectContaining({ taskId: humanTaskId, field: 'title', after: CRASH_TEXT.humanTitle })]
        : [],
    );
  } finally {
    closeDatabase(db);
  }
}

export const CRASH_POINTS: CrashPoint[] = [
  'before-outbox-commit',
  'after-outbox-commit',
  'after-board-write',
  'mid-reconcile',
];

export interface CrashScenario {
  script: string;
  point: CrashPoint;
  first: Kind;
  humanEdited: boolean;
}

/** Each kind of intent first, killed at each write point; and a poll of a person's edit killed at each point. */
export function crashScenarios(pollScript: string): CrashScenario[] {
  return [
    ...(['update', 'comment', 'create'] as const).flatMap((first) =>
      CRASH_POINTS.filter((p) => p !== 'mid-reconcile').map((point) => ({
        script: `agent:${first}`,
        point,
        first,
        humanEdited: false,
      })),
    ),
    ...CRASH_POINTS.map((point) => ({ script: pollScript, point, first: 'update' as const, humanEdited: true })),
  ];
}
