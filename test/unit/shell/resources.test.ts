import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TRAY_STATUSES, trayIconName } from '../../../src/main/shell/tray-model';

const ROOT = join(__dirname, '..', '..', '..');

/** Width, height, bit depth and colour type from a PNG's IHDR chunk. */
function pngHeader(file: string): { width: number; height: number; depth: number; colourType: number } {
  const buf = readFileSync(join(ROOT, 'resources', file));
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  expect(buf.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), depth: buf[24]!, colourType: buf[25]! };
}

describe('resources', () => {
  it('has every tray icon the model names, at 1x and 2x, with alpha', () => {
    const names = new Set([
      ...TRAY_STATUSES.map((s) => trayIconName(s, 'linux')),
      ...TRAY_STATUSES.map((s) => trayIconName(s, 'darwin')),
    ]);
    for (const name of names) {
      expect(pngHeader(name)).toEqual({ width: 16, height: 16, depth: 8, colourType: 6 });
      expect(pngHeader(name.replace('.png', '@2x.png'))).toEqual({ width: 32, height: 32, depth: 8, colourType: 6 });
    }
  });

  it('has a 512x512 app icon', () => {
    expect(pngHeader('icon.png')).toMatchObject({ width: 512, height: 512 });
  });
});

describe('electron-builder.yml', () => {
  const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as {
    [key: string]: unknown;
    linux: { maintainer?: string };
    npmRebuild?: boolean;
  };

  it('packages the built app with the icons beside it and native modules unpacked', () => {
    expect(config).toMatchObject({
      appId: 'dev.deckhand.app',
      productName: 'Deckhand',
      directories: { output: 'dist' },
      files: ['out/**', 'package.json'],
      asarUnpack: ['**/*.node'],
    });
    expect(config.extraResources).toEqual([{ from: 'resources', to: 'resources', filter: ['tray*.png', 'icon.png'] }]);
  });

  it('builds AppImage and deb, dmg and nsis, with the app icon', () => {
    expect(config.linux).toMatchObject({
      target: ['AppImage', 'deb'],
      category: 'Development',
      icon: 'resources/icon.png',
    });
    expect(config.linux.maintainer).toBeTruthy();
    expect(config.mac).toMatchObject({ target: ['dmg'], category: 'public.app-category.developer-tools' });
    expect(config.win).toMatchObject({ target: ['nsis'] });
  });

  it('packages the N-API native modules as built (no rebuild, no Electron header download)', () => {
    // N-API binaries are ABI-stable across Node and Electron, so what npm built is what Electron loads.
    expect(config.npmRebuild).toBe(false);
    const keytar = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'keytar', 'package.json'), 'utf8')) as {
      config?: { runtime?: string };
    };
    expect(keytar.config?.runtime).toBe('napi');
  });
});
