import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/model';
import { settingsPatchSchema } from '../../../shared/contract';

const PREFERENCES_KEY = 'preferences';

/** Stored preferences are re-validated on read: a hand-edited or old row falls back to defaults per field. */
const storedPreferences = settingsPatchSchema.strip();

export class SettingsRepo {
  constructor(private readonly db: Database) {}

  getPreferences(): Settings {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(PREFERENCES_KEY) as
      { value: string } | undefined;
    if (!row) return { ...DEFAULT_SETTINGS };
    const parsed = storedPreferences.safeParse(JSON.parse(row.value));
    return { ...DEFAULT_SETTINGS, ...(parsed.success ? parsed.data : {}) };
  }

  updatePreferences(patch: z.output<typeof settingsPatchSchema>): Settings {
    const next = { ...this.getPreferences(), ...patch };
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(PREFERENCES_KEY, JSON.stringify(next), new Date().toISOString());
    return next;
  }
}
