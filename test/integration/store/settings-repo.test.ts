import { describe, expect, it } from 'vitest';
import { OnboardingRepo } from '../../../src/main/core/agents/embedded';
import { openDatabase } from '../../../src/main/core/store/database';
import { SettingsRepo } from '../../../src/main/core/store/settings-repo';
import { DEFAULT_SETTINGS } from '../../../src/shared/model';
import { useTempDirs } from '../../helpers/tmp';

/** The settings table on a real SQLite file: values survive a reopen; a hand-edited row of the wrong shape reads as defaults. */
const tempDir = useTempDirs();

describe('settings table', () => {
  it('keeps preferences and the onboarding choice across a reopen', () => {
    const dir = tempDir();
    let db = openDatabase(dir);
    new SettingsRepo(db).updatePreferences({ theme: 'dark' });
    new OnboardingRepo(db).update({ status: 'completed', boardId: 'local' });
    db.close();
    db = openDatabase(dir);
    try {
      expect(new SettingsRepo(db).getPreferences()).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark' });
      expect(new OnboardingRepo(db).get()).toMatchObject({ status: 'completed', boardId: 'local' });
    } finally {
      db.close();
    }
  });

  it('refuses a row that is not JSON, and reads one of the wrong shape as the defaults', () => {
    const db = openDatabase(tempDir());
    try {
      const put = db.prepare(`INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES (?, ?, '2026-11-24')`);
      expect(() => put.run('preferences', '{not json')).toThrow(/json_valid/);
      put.run('preferences', '{"theme": 42}');
      put.run('onboarding', '["a list"]');
      expect(new SettingsRepo(db).getPreferences()).toEqual(DEFAULT_SETTINGS);
      expect(new OnboardingRepo(db).get()).toEqual({ status: 'pending' });
      // Writing again repairs the row.
      expect(new SettingsRepo(db).updatePreferences({ theme: 'light' }).theme).toBe('light');
      expect(new SettingsRepo(db).getPreferences().theme).toBe('light');
    } finally {
      db.close();
    }
  });
});
