import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { desktopConfigPath } from '../../../src/main/core/paths';

/** Which config file the desktop app starts on (real files in a temp folder). */
describe('desktopConfigPath', () => {
  const dir = (): string => mkdtempSync(join(tmpdir(), 'deckhand-config-path-'));

  it('none in the data folder: the embedded default', () => {
    expect(desktopConfigPath(dir(), {})).toBeUndefined();
  });

  it('takes deckhand.yml, then .yaml, then .json from the data folder', () => {
    const data = dir();
    writeFileSync(join(data, 'deckhand.json'), '{}');
    expect(desktopConfigPath(data, {})).toBe(join(data, 'deckhand.json'));
    writeFileSync(join(data, 'deckhand.yaml'), '');
    expect(desktopConfigPath(data, {})).toBe(join(data, 'deckhand.yaml'));
    writeFileSync(join(data, 'deckhand.yml'), '');
    expect(desktopConfigPath(data, {})).toBe(join(data, 'deckhand.yml'));
  });

  it('DECKHAND_CONFIG wins, and a missing file is an error, not the embedded default', () => {
    const data = dir();
    writeFileSync(join(data, 'deckhand.yml'), '');
    const elsewhere = join(dir(), 'team.yml');
    writeFileSync(elsewhere, '');
    expect(desktopConfigPath(data, { DECKHAND_CONFIG: elsewhere })).toBe(elsewhere);
    const missing = join(data, 'nope.yml');
    expect(() => desktopConfigPath(data, { DECKHAND_CONFIG: missing })).toThrow(
      `DECKHAND_CONFIG names ${missing}, which does not exist`,
    );
  });
});
