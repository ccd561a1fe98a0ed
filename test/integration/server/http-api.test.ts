import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../../../src/main/core/app';
import {
  startServer,
  UnsafeBindError,
  WeakApiTokenError,
  type RunningServer,
} from '../../../src/main/core/server/http-server';
import { MIGRATIONS } from '../../../src/main/core/store/migrations';
import { call } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
const running: { core: Core; server: RunningServer }[] = [];

afterEach(async () => {
  for (const { core, server } of running.splice(0)) {
    await server.close();
    await core.close();
  }
});

async function boot(opts: { apiToken?: string; host?: string; dataDir?: string } = {}) {
  const ui = tempDir();
  mkdirSync(join(ui, 'assets'));
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Deckhand</title>');
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
  const core = await createCore({ dataDir: opts.dataDir ?? tempDir() });
  const server = await startServer(core, {
    host: opts.host ?? '127.0.0.1',
    port: 0,
    staticDir: ui,
    ...(opts.apiToken ? { apiToken: opts.apiToken } : {}),
  });
  running.push({ core, server });
  return { core, server, url: server.url };
}

/** Raw request, for headers fetch() will not let us forge (Host). */
function rawGet(url: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP transport', () => {
  it('answers /api/health and getState from the core', async () => {
    const { url } = await boot();
    const health = (await (await fetch(`${url}/api/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, schemaVersion: MIGRATIONS.length });
    const state = await call(url, 'getState');
    expect(state.status).toBe(200);
    expect(state.json.value.boards).toEqual([expect.objectContaining({ id: 'local', type: 'local' })]);
    expect(state.json.value.configSource).toBe('embedded default');
  });

  it('rejects bad input with 400 and names the field', async () => {
    const { url } = await boot();
    const bad = await call(url, 'updateSettings', { theme: 'purple' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_input');
    expect(bad.json.error.problems[0].path).toBe('theme');
    const unknownKey = await call(url, 'updateSettings', { colour: 'red' });
    expect(unknownKey.json.error.problems).toEqual([{ path: 'colour', message: 'unknown key' }]);
    const badName = await call(url, 'setSecret', { name: 'no spaces allowed', value: 'x' });
    expect(badName.json.error.message).toMatch(/name: may only contain/);
  });

  it('maps transport errors to clear statuses', async () => {
    const { url } = await boot();
    expect((await call(url, 'noSuchMethod')).status).toBe(404);
    const post = (body: string, type = 'application/json') =>
      fetch(`${url}/api/call/getState`, { method: 'POST', headers: { 'content-type': type }, body });
    const malformed = await post('{"theme":');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    expect((await post('{}', 'text/plain')).status).toBe(415);
    expect((await post(JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }))).status).toBe(413);
    expect((await fetch(`${url}/api/call/getState`)).status).toBe(405);
  });

  it('persists settings and emits settings.changed', async () => {
    const { url } = await boot();
    const updated = await call(url, 'updateSettings', { theme: 'dark' });
    expect(updated.json.value).toEqual({ theme: 'dark', startAtLogin: false, notifications: true });
    expect((await call(url, 'getSettings')).json.value.theme).toBe('dark');
  });

  it('refuses other Host names (DNS rebinding) and cross-site origins', async () => {
    const { url } = await boot();
    expect(await rawGet(url, '/api/health', { host: 'evil.example' })).toBe(403);
    expect(await rawGet(url, '/', { host: 'evil.example' })).toBe(403);
    expect(await rawGet(url, '/api/health', { origin: 'http://evil.example' })).toBe(403);
    expect(await rawGet(url, '/api/health', { host: new URL(url).host, origin: url })).toBe(200);
  });

  it('serves the UI with a strict CSP, falls back to index.html, and never escapes the UI folder', async () => {
    const { url } = await boot();
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(res.headers.get('content-security-policy')).toContain(`ws://${new URL(url).host}`);
    expect(await (await fetch(`${url}/boards/local`)).text()).toContain('<title>Deckhand');
    expect((await fetch(`${url}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${url}/assets/missing.js`)).status).toBe(404);
    const traversal = await fetch(`${url}/%2e%2e/%2e%2e/package.json`);
    expect(await traversal.text()).not.toContain('"name"');
  });

  it('pushes events over the WebSocket and refuses cross-site sockets', async () => {
    const { url } = await boot();
    const wsUrl = url.replace('http', 'ws') + '/api/events';
    const ws = new WebSocket(wsUrl);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const event = new Promise<Record<string, unknown>>((resolve) =>
      ws.on('message', (data) => {
        const parsed = JSON.parse(String(data));
        // Other state changes (the embedded demo agent at work) may come first; wait for the pause.
        if (parsed.type === 'state.changed' && parsed.payload.pause.paused) resolve(parsed);
      }),
    );
    await call(url, 'pauseAll', { reason: 'lunch' });
    expect(await event).toMatchObject({ type: 'state.changed', payload: { pause: { paused: true, reason: 'lunch' } } });
    ws.close();

    const evil = new WebSocket(wsUrl, { origin: 'http://evil.example' });
    await expect(new Promise((resolve, reject) => evil.once('open', resolve).once('error', reject))).rejects.toThrow(
      /403/,
    );
  });

  it('keeps a pause across a restart, with who and why', async () => {
    const dataDir = tempDir();
    const first = await boot({ dataDir });
    await call(first.url, 'pauseAll', { reason: 'deploying' });
    await first.server.close();
    await first.core.close();
    running.splice(0);
    const second = await boot({ dataDir });
    const state = (await call(second.url, 'getState')).json.value;
    expect(state.pause).toMatchObject({ paused: true, by: 'human:http', reason: 'deploying' });
    await call(second.url, 'resumeAll');
    expect((await call(second.url, 'getState')).json.value.pause.paused).toBe(false);
  });

  it('refuses to bind beyond loopback without a token, and enforces the token when set', async () => {
    const core = await createCore({ dataDir: tempDir() });
    await expect(startServer(core, { host: '0.0.0.0', port: 0, staticDir: tempDir() })).rejects.toThrow(
      UnsafeBindError,
    );
    await core.close();

    const { url } = await boot({ apiToken: 'correct-horse-battery' });
    expect((await fetch(`${url}/api/health`)).status).toBe(401);
    const ok = await fetch(`${url}/api/health`, { headers: { authorization: 'Bearer correct-horse-battery' } });
    expect(ok.status).toBe(200);
    const login = await fetch(`${url}/?token=correct-horse-battery`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    const viaCookie = await fetch(`${url}/api/health`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(viaCookie.status).toBe(200);
  });

  it('refuses an API token shorter than 16 characters, and accepts one of exactly 16', async () => {
    const core = await createCore({ dataDir: tempDir() });
    const start = (apiToken: string) =>
      startServer(core, { host: '127.0.0.1', port: 0, staticDir: tempDir(), apiToken });
    await expect(start('x')).rejects.toThrow(WeakApiTokenError);
    await expect(start('a'.repeat(15))).rejects.toThrow(/DECKHAND_API_TOKEN .*at least 16.*openssl rand -hex 32/);
    const server = await start('a'.repeat(16));
    running.push({ core, server });
  });
});
