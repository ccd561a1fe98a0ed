import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'deckhand.cjs');
const BUILT_CLI = join(ROOT, 'out', 'main', 'cli.js');
const BUILT_UI = join(ROOT, 'out', 'renderer', 'index.html');

/** A running `deckhand serve`, started from the built CLI exactly as a user would run it. */
export interface ServeHandle {
  url: string;
  port: number;
  dataDir: string;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node bin/deckhand.cjs serve --data DIR --port PORT` and resolves when it
 * prints its "deckhand serving on <url>" line. No sleeps: the line is the signal.
 */
export function startServe(
  dataDir: string,
  port = 0,
  options: { configPath?: string; env?: Record<string, string> } = {},
): Promise<ServeHandle> {
  if (!existsSync(BUILT_CLI) || !existsSync(BUILT_UI)) {
    throw new Error(`Deckhand is not built (${BUILT_CLI} or ${BUILT_UI} is missing). Run: npm run build`);
  }
  return new Promise((resolve, reject) => {
    const config = options.configPath ? ['--config', options.configPath] : [];
    const child = spawn(process.execPath, [BIN, 'serve', ...config, '--data', dataDir, '--port', String(port)], {
      cwd: ROOT,
      env: { ...process.env, DECKHAND_LOG_LEVEL: process.env.DECKHAND_LOG_LEVEL ?? 'info', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let started = false;
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /deckhand serving on (http:\/\/[^\s]+)/.exec(output);
      if (!started && match) {
        started = true;
        const url = match[1]!;
        resolve({
          url,
          port: Number(new URL(url).port),
          dataDir,
          output: () => output,
          stop: () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    child.once('error', reject);
    void exited.then((code) => {
      if (!started) reject(new Error(`deckhand serve exited with ${code} before it was ready:\n${output}`));
    });
  });
}

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'deckhand-e2e-'));
}

/** What the browser said while a test ran. */
export interface PageDiagnostics {
  /** Content-Security-Policy violations, from the console and from `securitypolicyviolation` events. */
  cspViolations: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** Every console error, for tests that expect none at all. */
  consoleErrors: string[];
}

function watchPage(page: Page): PageDiagnostics {
  const diagnostics: PageDiagnostics = { cspViolations: [], pageErrors: [], consoleErrors: [] };
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|securitypolicyviolation/i.test(text)) diagnostics.cspViolations.push(text);
    if (message.type() === 'error') diagnostics.consoleErrors.push(text);
  });
  page.on('pageerror', (error) => diagnostics.pageErrors.push(error.message));
  return diagnostics;
}

interface Fixtures {
  /** A fresh `deckhand serve` on a fresh data directory; must exit 0 on SIGTERM. */
  server: ServeHandle;
  diagnostics: PageDiagnostics;
  /** Show first-start onboarding (`test.use({ onboarding: true })`); otherwise the page marks it done first. */
  onboarding: boolean;
}

export const test = base.extend<Fixtures>({
  onboarding: [false, { option: true }],
  // A fresh data dir would open on onboarding; unless a test opts in, mark it done through the API before the
  // UI asks, on whichever server the page talks to.
  page: async ({ page, onboarding }, use) => {
    if (!onboarding) {
      await page.route('**/api/call/getOnboarding', async (route) => {
        const url = new URL('/api/call/completeOnboarding', route.request().url()).href;
        await page.request.post(url, { data: { outcome: 'skipped' } }).catch(() => undefined);
        await route.fallback();
      });
    }
    await use(page);
  },
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use, testInfo) => {
    const dataDir = freshDataDir();
    const server = await startServe(dataDir);
    try {
      await use(server);
    } finally {
      const code = await server.stop();
      await testInfo.attach('deckhand-serve.log', { body: server.output(), contentType: 'text/plain' });
      rmSync(dataDir, { recursive: true, force: true });
      expect(code, `deckhand serve should exit 0 on SIGTERM; output:\n${server.output()}`).toBe(0);
    }
  },

  diagnostics: async ({ page }, use) => {
    // Violations can also be reported without a console line; record those too.
    // A string, because this file is type-checked without the DOM library.
    await page.addInitScript(`
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error('securitypolicyviolation: ' + event.violatedDirective + ' blocked ' + event.blockedURI);
      });
    `);
    const diagnostics = watchPage(page);
    await use(diagnostics);
    expect(diagnostics.cspViolations, 'no Content-Security-Policy violations').toEqual([]);
    expect(diagnostics.pageErrors, 'no uncaught errors in the page').toEqual([]);
  },
});

export { expect };
