/**
 * `deckhand serve`, assembled in the test process from the same two calls the
 * CLI makes (createCore, then startServer; see src/main/cli/serve.ts), so a
 * test can also play an agent through `core.engine.submitIntent`: the engine
 * entry point the agent runtime calls. Nothing is written behind the engine's
 * back: the intent is validated, checked against ownership, queued in the
 * outbox and delivered exactly as a real agent's would be.
 *
 * Use it only where a test needs an agent; everything else runs against the
 * real CLI (fixtures.ts). When the agent runtime's own calls exist, tests can
 * drive a configured agent instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src/main/core/app';
import { startServer } from '../../src/main/core/server/http-server';

const BUILT_UI = join(__dirname, '..', '..', 'out', 'renderer');

export interface InProcessServer {
  url: string;
  core: Core;
  dataDir: string;
  stop(): Promise<void>;
}

/** One hour: the engine polls once at start, then only when the test makes it (sync now, hints, the outbox). */
const QUIET_MS = 60 * 60_000;

export async function startInProcess(options: { configPath?: string } = {}): Promise<InProcessServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-e2e-inproc-'));
  // Polls would race the steps a test takes (a human edit seen before the agent's write is sent),
  // so the poll interval is long; webhook-style hints and the outbox still run at once.
  const core = await createCore({
    dataDir,
    ...(options.configPath ? { configPath: options.configPath } : {}),
    runner: { pollIntervalMs: QUIET_MS, minPollMs: QUIET_MS },
  });
  const server = await startServer(core, { host: '127.0.0.1', port: 0, staticDir: BUILT_UI });
  return {
    url: server.url,
    core,
    dataDir,
    async stop() {
      await server.close();
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
