import { describe, expect, it } from 'vitest';
import { boardTypeInfos } from '../../../src/main/core/boards';
import { savedToConfig, secretNameFor } from '../../../src/main/core/boards/saved-boards';

/** The Boards view's connection form for Focalboard: its fields become a config entry the schema accepts. */
describe('focalboard connection form', () => {
  it('is offered, with the URL, board and token required and the token a secret', () => {
    const info = boardTypeInfos().find((t) => t.type === 'focalboard');
    expect(info).toMatchObject({ label: 'Focalboard', available: true });
    const required = info!.fields.filter((f) => f.required).map((f) => [f.key, f.kind]);
    expect(required).toEqual([
      ['url', 'url'],
      ['board', 'text'],
      ['token', 'secret'],
    ]);
  });

  it('turns the filled form into the config entry (token in the keychain), and names a missing field', () => {
    const saved = {
      id: 'fb',
      type: 'focalboard',
      settings: {
        url: 'http://localhost:8000',
        board: 'Roadmap',
        'properties.status': 'Stage',
        'columns.working': 'Doing',
      },
      secretKeys: ['token'],
    };
    expect(savedToConfig(saved, saved.secretKeys)).toEqual({
      ok: true,
      board: {
        id: 'fb',
        type: 'focalboard',
        url: 'http://localhost:8000',
        board: 'Roadmap',
        token: { keychain: secretNameFor('fb', 'token') },
        properties: { status: 'Stage' },
        columns: { working: 'Doing' },
      },
    });
    const missing = savedToConfig({ ...saved, settings: { url: 'http://localhost:8000' } }, []);
    expect(missing).toMatchObject({ ok: false });
    expect(missing.ok ? [] : missing.problems.map((p) => p.path)).toEqual(['board', 'token']);
  });
});
