import { describe, expect, it } from 'vitest';
import { externalUrl, isAllowedNavigation, windowCsp } from '../../../src/main/shell/window-policy';

const packaged = { rendererFile: '/opt/Deckhand/out/renderer/index.html' };

describe('window policy', () => {
  it('allows in-window navigation only to our own renderer', () => {
    expect(isAllowedNavigation('file:///opt/Deckhand/out/renderer/index.html#/agents', packaged)).toBe(true);
    expect(isAllowedNavigation('https://github.com/', packaged)).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', packaged)).toBe(false);
  });

  it('hands only http(s) links to the OS browser', () => {
    expect(externalUrl('https://linear.app/team/issue/ENG-1')).toBe('https://linear.app/team/issue/ENG-1');
    expect(externalUrl('http://kanboard.local/?task=3')).toBe('http://kanboard.local/?task=3');
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-msdt:/id', 'smb://host/share', 'nope']) {
      expect(externalUrl(bad)).toBeUndefined();
    }
  });

  it('uses the shared CSP, adding only the dev server socket in development', () => {
    expect(windowCsp(packaged)).toContain("script-src 'self'");
    expect(windowCsp(packaged)).toContain("connect-src 'self';");
    expect(windowCsp({ ...packaged, devServerUrl: 'http://localhost:5173/' })).toContain(
      "connect-src 'self' ws://localhost:5173;",
    );
  });
});
