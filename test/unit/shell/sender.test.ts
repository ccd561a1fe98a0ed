import { describe, expect, it, vi } from 'vitest';
import type { DeckhandEvent } from '../../../src/shared/contract';
import type { Handlers } from '../../../src/main/core/api/dispatch';
import { EventBus } from '../../../src/main/core/events';
import {
  createCallHandler,
  forwardEvents,
  isTrustedSender,
  isTrustedSenderUrl,
  rendererLocation,
  UNTRUSTED_SENDER,
} from '../../../src/main/shell/sender';

const packaged = { rendererFile: '/opt/Deckhand/resources/app.asar/out/renderer/index.html' };
const OURS = 'file:///opt/Deckhand/resources/app.asar/out/renderer/index.html';

describe('isTrustedSenderUrl', () => {
  it('accepts our packaged index.html, with or without a hash route', () => {
    expect(isTrustedSenderUrl(OURS, packaged)).toBe(true);
    expect(isTrustedSenderUrl(`${OURS}#/conflicts`, packaged)).toBe(true);
  });

  it('refuses other files, file URLs with a host, other origins and garbage', () => {
    expect(isTrustedSenderUrl('file:///tmp/evil.html', packaged)).toBe(false);
    expect(isTrustedSenderUrl('file:///opt/Deckhand/resources/app.asar/out/renderer/other.html', packaged)).toBe(false);
    expect(
      isTrustedSenderUrl('file://evil-host/opt/Deckhand/resources/app.asar/out/renderer/index.html', packaged),
    ).toBe(false);
    expect(isTrustedSenderUrl('https://evil.example/', packaged)).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:5173/', packaged)).toBe(false);
    expect(isTrustedSenderUrl('about:blank', packaged)).toBe(false);
    expect(isTrustedSenderUrl('data:text/html,<p>hi', packaged)).toBe(false);
    expect(isTrustedSenderUrl('file:///opt/%E0%A4%A', packaged)).toBe(false);
    expect(isTrustedSenderUrl('not a url', packaged)).toBe(false);
    expect(isTrustedSenderUrl('', packaged)).toBe(false);
  });

  it('does not let a path escape with .. segments', () => {
    expect(isTrustedSenderUrl('file:///opt/Deckhand/resources/app.asar/out/renderer/x/../index.html', packaged)).toBe(
      true,
    );
    expect(isTrustedSenderUrl('file:///tmp/../opt/evil/index.html', packaged)).toBe(false);
  });

  it('accepts the dev server origin only in development', () => {
    const dev = { ...packaged, devServerUrl: 'http://localhost:5173' };
    expect(isTrustedSenderUrl('http://localhost:5173/#/activity', dev)).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:51730/', dev)).toBe(false);
    expect(isTrustedSenderUrl('ws://localhost:5173/', dev)).toBe(false);
    // The packaged file stays trusted in dev too (e.g. after `electron-vite preview`).
    expect(isTrustedSenderUrl(OURS, dev)).toBe(true);
  });

  it('handles Windows paths, with backslashes, spaces and either drive-letter case', () => {
    const win = { rendererFile: 'C:\\Program Files\\Deckhand\\resources\\app.asar\\out\\renderer\\index.html' };
    const url = 'file:///C:/Program%20Files/Deckhand/resources/app.asar/out/renderer/index.html';
    expect(isTrustedSenderUrl(url, win)).toBe(true);
    expect(isTrustedSenderUrl(url.replace('C:', 'c:'), win)).toBe(true);
    expect(
      isTrustedSenderUrl('file:///D:/Program%20Files/Deckhand/resources/app.asar/out/renderer/index.html', win),
    ).toBe(false);
  });
});

describe('rendererLocation', () => {
  it('points next to the built main file, and picks up the dev server URL', () => {
    expect(rendererLocation('/app/out/main', {})).toEqual({ rendererFile: '/app/out/renderer/index.html' });
    expect(rendererLocation('/app/out/main', { ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toEqual({
      rendererFile: '/app/out/renderer/index.html',
      devServerUrl: 'http://localhost:5173',
    });
  });
});

describe('isTrustedSender', () => {
  const ours = { id: 1 };
  const top = { url: OURS, parent: null };

  it('needs our webContents, the top frame and our URL', () => {
    expect(isTrustedSender({ sender: ours, senderFrame: top }, ours, packaged)).toBe(true);
    expect(isTrustedSender({ sender: { id: 2 }, senderFrame: top }, ours, packaged)).toBe(false);
    expect(isTrustedSender({ sender: ours, senderFrame: { url: OURS, parent: {} } }, ours, packaged)).toBe(false);
    expect(
      isTrustedSender({ sender: ours, senderFrame: { url: 'https://x.example', parent: null } }, ours, packaged),
    ).toBe(false);
    expect(isTrustedSender({ sender: ours, senderFrame: null }, ours, packaged)).toBe(false);
    expect(isTrustedSender({ sender: undefined, senderFrame: top }, undefined, packaged)).toBe(false);
  });
});

describe('createCallHandler', () => {
  const ours = { id: 1 };
  const trusted = { sender: ours, senderFrame: { url: OURS, parent: null } };
  const health = vi.fn(() => ({ ok: true, version: '0.1.0', uptimeSeconds: 1, schemaVersion: 5 }));
  const pauseAll = vi.fn();
  const handlers = { health, pauseAll } as unknown as Handlers;
  const handle = createCallHandler({ handlers, location: packaged, ourWebContents: () => ours });

  it('dispatches a trusted call with the ipc transport', async () => {
    await expect(handle(trusted, 'health', {})).resolves.toEqual({
      ok: true,
      value: { ok: true, version: '0.1.0', uptimeSeconds: 1, schemaVersion: 5 },
    });
    expect(health).toHaveBeenCalledWith({}, { transport: 'ipc' });
  });

  it('refuses an untrusted sender before looking at the payload', async () => {
    pauseAll.mockClear();
    const evil = { sender: ours, senderFrame: { url: 'https://evil.example/', parent: null } };
    await expect(handle(evil, 'pauseAll', { reason: 'x' })).resolves.toEqual(UNTRUSTED_SENDER);
    expect(UNTRUSTED_SENDER).toEqual({ ok: false, error: { code: 'invalid_input', message: 'untrusted sender' } });
    const noWindow = createCallHandler({ handlers, location: packaged, ourWebContents: () => undefined });
    await expect(noWindow(trusted, 'pauseAll', {})).resolves.toEqual(UNTRUSTED_SENDER);
    expect(pauseAll).not.toHaveBeenCalled();
  });

  it('validates like every transport: bad names and bad input come back as errors', async () => {
    await expect(handle(trusted, 42, {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    await expect(handle(trusted, 'nope', {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    await expect(handle(trusted, 'pauseAll', { reason: 7 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });
});

describe('forwardEvents', () => {
  const event: DeckhandEvent = {
    type: 'settings.changed',
    payload: { theme: 'dark', startAtLogin: false, notifications: true },
  };

  it('sends every core event to a live window, and nothing to a missing or destroyed one', () => {
    const bus = new EventBus();
    const send = vi.fn();
    let target: { isDestroyed(): boolean; send: typeof send } | undefined;
    const stop = forwardEvents(bus, () => target, 'deckhand:event');
    bus.emit('settings.changed', event.payload);
    target = { isDestroyed: () => false, send };
    bus.emit('settings.changed', event.payload);
    expect(send).toHaveBeenCalledExactlyOnceWith('deckhand:event', event);
    target = { isDestroyed: () => true, send };
    bus.emit('settings.changed', event.payload);
    expect(send).toHaveBeenCalledTimes(1);
    stop();
    target = { isDestroyed: () => false, send };
    bus.emit('settings.changed', event.payload);
    expect(send).toHaveBeenCalledTimes(1);
  });
});
