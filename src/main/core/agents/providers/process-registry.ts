import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Command agents this Deckhand started and that may still run, one small file each in `<data>/agent-processes/`.
 * A Deckhand killed with SIGKILL cannot stop its agents; the next one to start on the same data folder stops
 * whatever its dead predecessor left running, before it runs the interrupted run again, so a coding agent never
 * works the same task twice at once.
 *
 * Safety against pid reuse: a file names the Deckhand that wrote it; it is only acted on when that Deckhand is
 * gone. The agent runs as the leader of its own process group. A live leader is only stopped when its start time
 * (Linux: /proc) matches the one recorded; a group whose leader exited is stopped as is, since POSIX never reuses
 * a process group's id while the group exists. So an unrelated process is never hit.
 */
export interface ProcessRecord {
  /** The agent's pid, which is also its process group id. */
  pid: number;
  /** Start time of the pid in clock ticks since boot (/proc/<pid>/stat field 22), where the OS tells it. */
  startTicks?: number;
  /** The Deckhand that started it. */
  ownerPid: number;
  command: string[];
  startedAt: string;
}

export interface Reaped {
  record: ProcessRecord;
  /** Stopped; or left alone: gone already, or a pid now used by another process (or not provably ours). */
  outcome: 'stopped' | 'left';
}

/** Platform hooks, so the rules are tested with real processes and the odd cases without them. */
export interface ProcessOps {
  alive(pid: number): boolean;
  groupAlive(pgid: number): boolean;
  startTicks(pid: number): number | undefined;
  killGroup(pgid: number, signal: NodeJS.Signals): void;
}

function exists(probe: () => void): boolean {
  try {
    probe();
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const systemProcessOps: ProcessOps = {
  alive: (pid) => exists(() => process.kill(pid, 0)),
  groupAlive: (pgid) => process.platform !== 'win32' && exists(() => process.kill(-pgid, 0)),
  startTicks(pid) {
    if (process.platform !== 'linux') return undefined;
    try {
      // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[19]);
      return Number.isFinite(ticks) ? ticks : undefined;
    } catch {
      return undefined;
    }
  },
  killGroup(pgid, signal) {
    try {
      process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
    } catch {
      // Already gone.
    }
  },
};

export class ProcessRegistry {
  constructor(
    private readonly dir: string,
    private readonly ops: ProcessOps = systemProcessOps,
    private readonly self: number = process.pid,
  ) {}

  /** Notes a started agent; the returned function forgets it once it has exited. */
  record(pid: number, command: readonly string[]): () => void {
    mkdirSync(this.dir, { recursive: true });
    const ticks = this.ops.startTicks(pid);
    const record: ProcessRecord = {
      pid,
      ...(ticks !== undefined ? { startTicks: ticks } : {}),
      ownerPid: this.self,
      command: [...command],
      startedAt: new Date().toISOString(),
    };
    const file = join(this.dir, `${pid}.json`);
    writeFileSync(file, JSON.stringify(record));
    return () => rmSync(file, { force: true });
  }

  /**
   * Stops the agents a dead Deckhand left behind (SIGTERM, then SIGKILL after `graceMs`) and forgets them. Files of
   * a Deckhand that is still running (another instance on this folder) are left alone.
   */
  async reapOrphans(graceMs = 2_000): Promise<Reaped[]> {
    const reaped: Reaped[] = [];
    for (const [file, record] of this.records()) {
      if (record.ownerPid !== this.self && this.ops.alive(record.ownerPid)) continue;
      const outcome = this.isOurs(record) ? 'stopped' : 'left';
      if (outcome === 'stopped') await this.stop(record.pid, graceMs);
      rmSync(file, { force: true });
      reaped.push({ record, outcome });
    }
    return reaped;
  }

  private isOurs(record: ProcessRecord): boolean {
    if (this.ops.alive(record.pid)) {
      // A live pid is ours only if it is provably the process that was started: same start time. Where the OS does
      // not tell (macOS, Windows) a live leader is left alone rather than risk hitting an unrelated process.
      return record.startTicks !== undefined && this.ops.startTicks(record.pid) === record.startTicks;
    }
    // The leader is gone; members of its group may live on, and the group id cannot have been reused meanwhile.
    return this.ops.groupAlive(record.pid);
  }

  private async stop(pgid: number, graceMs: number): Promise<void> {
    this.ops.killGroup(pgid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && (this.ops.groupAlive(pgid) || this.ops.alive(pgid))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (this.ops.groupAlive(pgid) || this.ops.alive(pgid)) this.ops.killGroup(pgid, 'SIGKILL');
  }

  private *records(): Generator<[string, ProcessRecord]> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!/^\d+\.json$/.test(name)) continue;
      const file = join(this.dir, name);
      try {
        const record = JSON.parse(readFileSync(file, 'utf8')) as ProcessRecord;
        if (Number.isInteger(record.pid) && record.pid > 1 && Number.isInteger(record.ownerPid)) yield [file, record];
        else rmSync(file, { force: true });
      } catch {
        rmSync(file, { force: true }); // Half-written by a crash: nothing to act on.
      }
    }
  }
}
