import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../logger';

const log = createLogger('store');

export const LOCK_FILE = 'deckhand.lock';

/** Who holds a data folder, as written in its lock file. */
export interface LockHolder {
  pid: number;
  startedAt: string;
  /** When the machine booted (epoch ms): after a reboot the pid may belong to another program. */
  bootedAt?: number;
}

/** The machine's boot time; `uptime()` has a resolution of a second or so, hence the tolerance below. */
const bootTime = (): number => Date.now() - Math.round(uptime() * 1000);
const BOOT_TOLERANCE_MS = 60_000;

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `another Deckhand (pid ${holder.pid}, started ${holder.startedAt}) is using ${dataDir}; ` +
        'stop it or use another --data folder',
    );
    this.name = 'DataDirLockedError';
  }
}

/** Lock files this process holds: its own pid is always alive, so only this set tells ours from a stale one. */
const heldHere = new Set<string>();

/**
 * Takes the data folder for this process, so two Deckhands never open one
 * database and sync everything twice. A lock left by a process that is gone
 * (a crash, SIGKILL) is taken over; a live holder makes this throw.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, startedAt: new Date().toISOString(), bootedAt: bootTime() };
  // Two rounds: the second only after a stale lock was removed.
  for (let round = 0; round < 2; round++) {
    if (createLockFile(file, me)) {
      heldHere.add(file);
      return { file, release: () => releaseLock(file, me) };
    }
    const holder = readHolder(file);
    if (holder && holderIsAlive(holder, file)) throw new DataDirLockedError(dataDir, holder);
    takeOverStale(file, holder);
  }
  // Someone else took the stale lock between our removal and our create.
  const holder = readHolder(file);
  throw new DataDirLockedError(dataDir, holder ?? { pid: NaN, startedAt: 'unknown' });
}

/** `wx` fails if the file exists, so exactly one of two racing starters creates it. */
function createLockFile(file: string, me: LockHolder): boolean {
  try {
    writeFileSync(file, JSON.stringify(me) + '\n', { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** The holder, or undefined when the file is gone or unreadable (a crash mid-write): both mean no live holder. */
function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return undefined;
    return {
      pid: parsed.pid,
      startedAt: String(parsed.startedAt ?? 'unknown'),
      ...(typeof parsed.bootedAt === 'number' ? { bootedAt: parsed.bootedAt } : {}),
    };
  } catch {
    return undefined;
  }
}

function holderIsAlive(holder: LockHolder, file: string): boolean {
  // A lock with our own pid that we do not hold was left by an earlier process that had our pid.
  if (holder.pid === process.pid) return heldHere.has(file);
  // Written before the last reboot: whatever has that pid now is not that Deckhand.
  if (holder.bootedAt !== undefined && Math.abs(holder.bootedAt - bootTime()) > BOOT_TOLERANCE_MS) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else; it is still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeOverStale(file: string, holder: LockHolder | undefined): void {
  const who = holder ? `pid ${holder.pid}, started ${holder.startedAt}` : 'unreadable';
  log.warn(`taking over a stale lock ${file} (${who}): that Deckhand is no longer running`);
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function releaseLock(file: string, me: LockHolder): void {
  if (!heldHere.delete(file)) return;
  const holder = readHolder(file);
  // Never remove a lock another process has since taken over.
  if (holder?.pid !== me.pid || holder.startedAt !== me.startedAt) return;
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
