import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessRegistry, systemProcessOps } from '../../../src/main/core/agents/providers/process-registry';
import { useTempDirs } from '../../helpers/tmp';

/** The registry against real processes: what a crashed Deckhand left running is stopped, nothing else is. */
const tempDir = useTempDirs();
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) systemProcessOps.killGroup(child.pid!, 'SIGKILL');
});

/** A shell as the leader of its own process group, like a command agent, with a grandchild of its own. */
function agentLike(script = 'sleep 60 & wait'): ChildProcess {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  started.push(child);
  return child;
}

/** The pid of a process that has exited: the "Deckhand that was killed". */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

const until = async (what: string, probe: () => boolean, ms = 3_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.skipIf(process.platform !== 'linux')('ProcessRegistry (Linux: real processes, /proc start times)', () => {
  it('notes a running agent and forgets it when told', () => {
    const dir = tempDir();
    const child = agentLike();
    const forget = new ProcessRegistry(dir).record(child.pid!, ['claude', '-p']);
    expect(readdirSync(dir)).toEqual([`${child.pid}.json`]);
    forget();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stops the whole group a killed Deckhand left running, and forgets it', async () => {
    const dir = tempDir();
    const child = agentLike();
    new ProcessRegistry(dir, systemProcessOps, await deadPid()).record(child.pid!, ['agent']);
    const reaped = await new ProcessRegistry(dir).reapOrphans(1_000);
    expect(reaped.map((r) => r.outcome)).toEqual(['stopped']);
    await until('the group to be gone', () => !systemProcessOps.groupAlive(child.pid!));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stops the rest of a group whose leader already exited', async () => {
    const dir = tempDir();
    const child = agentLike('sleep 60 & exit 0');
    await new Promise((r) => child.once('exit', r));
    expect(systemProcessOps.groupAlive(child.pid!)).toBe(true);
    const record = {
      pid: child.pid!,
      ownerPid: await deadPid(),
      command: ['agent'],
      startedAt: '2026-11-24T00:00:00Z',
    };
    writeFileSync(join(dir, `${child.pid}.json`), JSON.stringify(record));
    expect((await new ProcessRegistry(dir).reapOrphans(1_000)).map((r) => r.outcome)).toEqual(['stopped']);
    await until('the orphaned member to be gone', () => !systemProcessOps.groupAlive(child.pid!));
  });

  it('leaves alone the agents of a Deckhand that is still running', async () => {
    const dir = tempDir();
    const child = agentLike();
    // Recorded by this test process (alive), reaped by "another" Deckhand on the same folder.
    new ProcessRegistry(dir).record(child.pid!, ['agent']);
    const other = new ProcessRegistry(dir, systemProcessOps, await deadPid());
    expect(await other.reapOrphans(200)).toEqual([]);
    expect(systemProcessOps.alive(child.pid!)).toBe(true);
    expect(existsSync(join(dir, `${child.pid}.json`))).toBe(true);
  });

  it('never hits a process that only reuses a recorded pid (start time differs)', async () => {
    const dir = tempDir();
    const unrelated = agentLike();
    const ticks = systemProcessOps.startTicks(unrelated.pid!)!;
    const record = {
      pid: unrelated.pid!,
      startTicks: ticks - 1,
      ownerPid: await deadPid(),
      command: ['agent'],
      startedAt: '2026-11-24T00:00:00Z',
    };
    writeFileSync(join(dir, `${unrelated.pid}.json`), JSON.stringify(record));
    expect((await new ProcessRegistry(dir).reapOrphans(200)).map((r) => r.outcome)).toEqual(['left']);
    expect(systemProcessOps.alive(unrelated.pid!)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('drops a half-written record without acting on it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '4242.json'), '{"pid": 42');
    expect(await new ProcessRegistry(dir).reapOrphans(200)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
