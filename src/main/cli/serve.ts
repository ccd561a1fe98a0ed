import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createCore } from '../core/app';
import { createLogger } from '../core/logger';
import { defaultDataDir } from '../core/paths';
import { assertApiTokenStrong, startServer } from '../core/server/http-server';
import { parse, parsePort } from './args';

const log = createLogger('serve');

/** Finds the package root (where out/renderer is built) from wherever this file runs. */
function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    config: { type: 'string' },
    data: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '7717' },
  });
  const port = parsePort(values.port);
  // Empty counts as unset, as it does for the clients (remote.ts, log.ts).
  const apiToken = process.env.DECKHAND_API_TOKEN || undefined;
  // Refuse before the core opens the database and starts agents.
  assertApiTokenStrong(apiToken);
  const dataDir = resolve(values.data ?? defaultDataDir());
  const core = await createCore({ dataDir, ...(values.config ? { configPath: resolve(values.config) } : {}) });
  let server;
  try {
    server = await startServer(core, {
      host: values.host,
      port,
      staticDir: process.env.DECKHAND_UI_DIR ?? join(packageRoot(), 'out', 'renderer'),
      ...(apiToken ? { apiToken } : {}),
    });
  } catch (err) {
    await core.close();
    throw err;
  }
  const running = server;
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal} received; shutting down`);
      // Every write is its own committed transaction, so closing after in-flight requests finish loses nothing.
      running
        .close()
        .then(() => core.close())
        .then(
          () => done(0),
          (err: unknown) => {
            log.error('shutdown failed', err);
            done(1);
          },
        );
    };
    // Handlers go in before the ready line: whoever waits for that line may signal at once.
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    // Tests and scripts wait for this exact line.
    process.stdout.write(
      `deckhand serving on ${running.url} (data: ${dataDir}; config: ${core.getState().configSource})\n`,
    );
  });
}
