import { describe, expect, it } from 'vitest';
import { isTrustedSenderUrl } from '../../../src/main/shell/sender';

const packaged = { rendererFile: '/opt/Deckhand/resources/app.asar/out/renderer/index.html' };

describe('isTrustedSenderUrl', () => {
  it('accepts our packaged index.html, with or without a hash route', () => {
    expect(isTrustedSenderUrl('file:///opt/Deckhand/resources/app.asar/out/renderer/index.html', packaged)).toBe(true);
    expect(
      isTrustedSenderUrl('file:///opt/Deckhand/resources/app.asar/out/renderer/index.html#/conflicts', packaged),
    ).toBe(true);
  });

  it('refuses other files, other origins and garbage', () => {
    expect(isTrustedSenderUrl('file:///tmp/evil.html', packaged)).toBe(false);
    expect(isTrustedSenderUrl('https://evil.example/', packaged)).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:5173/', packaged)).toBe(false);
    expect(isTrustedSenderUrl('not a url', packaged)).toBe(false);
    expect(isTrustedSenderUrl('', packaged)).toBe(false);
  });

  it('accepts the dev server origin only in development', () => {
    const dev = { ...packaged, devServerUrl: 'http://localhost:5173' };
    expect(isTrustedSenderUrl('http://localhost:5173/#/activity', dev)).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5174/', dev)).toBe(false);
  });

  it('handles Windows paths', () => {
    const win = { rendererFile: 'C:/Program Files/Deckhand/resources/app.asar/out/renderer/index.html' };
    expect(
      isTrustedSenderUrl('file:///C:/Program%20Files/Deckhand/resources/app.asar/out/renderer/index.html', win),
    ).toBe(true);
  });
});
