import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { LOCK_FILE } from '../../../src/main/core/store/data-lock';
import { runCli, startServe, type ServeProcess } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';

/**
 * One Deckhand per data folder (issue 17): a second `deckhand serve` (or the
 * desktop app) on the same folder would open the same database and sync twice.
 */
const tempDir = useTempDirs();
const servers: ServeProcess[] = [];
const cores: Core[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) await s.stop();
  for (const core of cores.splice(0)) await core.close();
});

const QUIET = { DECKHAND_PROBE_LOCAL_LLM: '0' };

/** The pid of a process that has already exited: what a SIGKILLed Deckhand leaves in its lock file. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

describe('the data folder lock', () => {
  it('a second serve on the same data folder refuses to start, names the first, and exits non-zero', async () => {
    const data = tempDir();
    const first = await startServe(['--data', data], QUIET);
    servers.push(first);
    const second = await runCli(['serve', '--data', data, '--port', '0'], { env: QUIET });
    expect(second.code).toBe(1);
    expect(second.stdout).not.toContain('deckhand serving on');
    expect(second.stderr).toMatch(
      new RegExp(
        `another Deckhand \\(pid ${first.child.pid}, started \\S+\\) is using ${data}; stop it or use another --data folder`,
      ),
    );
    // The first is untouched and still serving.
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    expect(await first.stop()).toBe(0);
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);
  });

  it('takes over a stale lock left by a Deckhand that is gone, says so, and releases it on stop', async () => {
    const data = tempDir();
    const lockFile = join(data, LOCK_FILE);
    const pid = await deadPid();
    writeFileSync(lockFile, JSON.stringify({ pid, startedAt: '2026-01-01T00:00:00.000Z' }));
    const serve = await startServe(['--data', data], QUIET);
    servers.push(serve);
    // stderr is its own pipe; the warning may land just after the ready line on stdout.
    await vi.waitFor(() => expect(serve.output().stderr).toContain(`taking over a stale lock ${lockFile} (pid ${pid}`));
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: serve.child.pid });
    expect(await serve.stop()).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('takes over a lock written before the last reboot, even when its pid is in use again', async () => {
    const data = tempDir();
    const lockFile = join(data, LOCK_FILE);
    writeFileSync(
      lockFile,
      // This test's own parent is alive; the lock says it was taken before a boot a month ago.
      JSON.stringify({
        pid: process.ppid,
        startedAt: '2026-01-01T00:00:00.000Z',
        bootedAt: Date.now() - 86_400_000 * 30,
      }),
    );
    const core = await createCore({ dataDir: data, startEngine: false, agents: { probeLocalLlm: false } });
    cores.push(core);
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(process.pid);
  });

  it('in one process: a second core on a folder in use is refused; after close it opens; other folders are free', async () => {
    const data = tempDir();
    const first = await createCore({ dataDir: data, startEngine: false, agents: { probeLocalLlm: false } });
    cores.push(first);
    await expect(createCore({ dataDir: data, startEngine: false, agents: { probeLocalLlm: false } })).rejects.toThrow(
      `another Deckhand (pid ${process.pid}`,
    );
    const other = await createCore({ dataDir: tempDir(), startEngine: false, agents: { probeLocalLlm: false } });
    cores.push(other);
    await cores.shift()!.close();
    cores.push(await createCore({ dataDir: data, startEngine: false, agents: { probeLocalLlm: false } }));
  });
});
