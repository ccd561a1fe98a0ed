import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { call, ROOT, runCli, startServe } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();

describe('deckhand CLI', () => {
  it('serve answers health, then stops cleanly on SIGTERM with the database closed and the data kept', async () => {
    const data = tempDir();
    const serve = await startServe(['--data', data]);
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${serve.url}/api/health`)).status).toBe(200);
    await call(serve.url, 'updateSettings', { theme: 'dark' });
    expect(await serve.stop('SIGTERM')).toBe(0);
    // The WAL was checkpointed into the main file on close.
    const wal = join(data, 'deckhand.db-wal');
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
    const db = new BetterSqlite3(join(data, 'deckhand.db'), { readonly: true });
    expect(db.prepare("SELECT value FROM settings WHERE key = 'preferences'").get()).toEqual({
      value: expect.stringContaining('"theme":"dark"'),
    });
    db.close();
  });

  it('serve also stops cleanly on SIGINT', async () => {
    const serve = await startServe(['--data', tempDir()]);
    expect(await serve.stop('SIGINT')).toBe(0);
  });

  it('serve refuses an invalid config and names every problem', async () => {
    const config = join(tempDir(), 'bad.yaml');
    writeFileSync(config, 'schema_version: 1\nboards:\n  - id: kb\n    type: trello\n    colour: red\n');
    const result = await runCli(['serve', '--config', config, '--data', tempDir(), '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('boards[0].type');
    expect(result.stderr).toContain('boards[0].colour');
  });

  it('serve refuses a 1-character DECKHAND_API_TOKEN, naming the variable, the minimum and how to make one', async () => {
    const result = await runCli(['serve', '--data', tempDir(), '--port', '0'], { env: { DECKHAND_API_TOKEN: 'x' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DECKHAND_API_TOKEN');
    expect(result.stderr).toContain('at least 16');
    expect(result.stderr).toContain('openssl rand -hex 32');
    expect(result.stdout).not.toContain('deckhand serving on');
  });

  it('check prints both mistakes with their paths and exits non-zero', async () => {
    const config = join(tempDir(), 'two-mistakes.yaml');
    writeFileSync(
      config,
      [
        'schema_version: 1',
        'boards:',
        '  - id: home',
        '    type: local',
        'agents:',
        '  - id: writer',
        '    board: nowhere',
        '    workflow: pickup',
        '    routes: { labels: [needs-ai] }',
        '    provider: { type: command, command: [./agent.sh], timeout: soon }',
      ].join('\n'),
    );
    const result = await runCli(['check', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('agents[0].provider.timeout');
    expect(result.stdout).toContain('agents[0].board');
    expect(result.stdout).toMatch(/2 problems found/);
  });

  it('check locates a syntax error at file:line:column, named as given', async () => {
    const file = join(tempDir(), 'dup.yml');
    writeFileSync(file, ['schema_version: 1', 'boards:', '  - id: home', '    id: again', ''].join('\n'));
    // A relative name (the CLI runs in the repo root) is shown as given, not as the resolved absolute path.
    const given = relative(ROOT, file);
    const result = await runCli(['check', '--config', given]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${given}:4:5: YAML syntax error: Map keys must be unique\n1 problem found\n`);
  });

  it('check accepts a valid config', async () => {
    const config = join(tempDir(), 'ok.json');
    writeFileSync(config, JSON.stringify({ schema_version: 1, boards: [{ id: 'home', type: 'local' }] }));
    const result = await runCli(['check', '--config', config]);
    expect(result.stdout).toContain('valid');
    expect(result.code).toBe(0);
  });

  it('status reports a running server, pauses one agent or all, and explains when none answers', async () => {
    // The embedded default has the offline demo agent when no local model server is probed.
    const serve = await startServe(['--data', tempDir()], { DECKHAND_PROBE_LOCAL_LLM: '0' });
    const human = await runCli(['status', '--url', serve.url]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/local \(local\): idle/);
    const json = await runCli(['status', '--json', '--url', serve.url]);
    expect(JSON.parse(json.stdout).state.boards[0].id).toBe('local');
    expect((await runCli(['pause', 'demo', '--url', serve.url])).stdout).toBe('demo: paused\n');
    expect((await runCli(['resume', 'demo', '--url', serve.url])).stdout).toBe('demo: running\n');
    const ghost = await runCli(['pause', 'ghost', '--url', serve.url]);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/ghost/);
    expect((await runCli(['pause', '--reason', 'lunch', '--url', serve.url])).stdout).toContain('paused');
    expect((await runCli(['status', '--url', serve.url])).stdout).toMatch(/PAUSED by human:http \(lunch\)/);
    await serve.stop();
    const down = await runCli(['status', '--url', serve.url]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/No Deckhand server answers at .*deckhand serve/);
  });

  it('explains usage mistakes with exit code 2', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const badPort = await runCli(['serve', '--port', 'http']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port must be an integer/);
    expect((await runCli(['check'])).stderr).toMatch(/--config FILE/);
  });

  it('secrets set/list/delete use the real keychain and never print the value', async () => {
    const name = `demo-${Date.now()}`;
    const set = await runCli(['secrets', 'set', name], { input: 's3cret-value-xyz\n' });
    expect(set.code, set.stderr).toBe(0);
    const list = await runCli(['secrets', 'list']);
    expect(list.stdout.split('\n')).toContain(name);
    expect(list.stdout + set.stdout + set.stderr).not.toContain('s3cret-value-xyz');
    expect((await runCli(['secrets', 'delete', name])).code).toBe(0);
    expect((await runCli(['secrets', 'list'])).stdout.split('\n')).not.toContain(name);
    expect((await runCli(['secrets', 'set', 'bad name'])).code).toBe(2);
    expect((await runCli(['secrets', 'set', name], { input: '' })).stderr).toMatch(/value is empty/);
  });
});
