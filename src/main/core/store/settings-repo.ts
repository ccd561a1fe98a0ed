import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/model';
import { settingsPatchSchema } from '../../../shared/contract';

const PREFERENCES_KEY = 'preferences';

/** Stored preferences are re-validated on read: a hand-edited or old row falls back to defaults per field. */
const storedPreferences = settingsPatchSchema.strip();

/** One JSON value per key in the settings table. */
export class SettingsTable {
  constructor(private readonly db: Database) {}

  /** The stored value, or undefined without a row. The table's CHECK (json_valid) keeps every row parseable. */
  read(key: string): unknown {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  write(key: string, value: unknown): void {
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), new Date().toISOString());
  }
}

export class SettingsRepo {
  private readonly table: SettingsTable;

  constructor(db: Database) {
    this.table = new SettingsTable(db);
  }

  getPreferences(): Settings {
    const parsed = storedPreferences.safeParse(this.table.read(PREFERENCES_KEY) ?? {});
    return { ...DEFAULT_SETTINGS, ...(parsed.success ? parsed.data : {}) };
  }

  updatePreferences(patch: z.output<typeof settingsPatchSchema>): Settings {
    const next = { ...this.getPreferences(), ...patch };
    this.table.write(PREFERENCES_KEY, next);
    return next;
  }
}
