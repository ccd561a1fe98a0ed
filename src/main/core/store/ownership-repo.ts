import type { Database } from 'better-sqlite3';
import {
  applyOwnershipPatch,
  defaultOwnershipRules,
  fieldRuleSchema,
  OwnershipRulesError,
  ruleProblem,
  validateOwnershipRules,
  type OwnershipRules,
  type OwnershipSchema,
} from '../../../shared/ownership';
import { TASK_FIELDS } from '../../../shared/task';

interface OwnershipRow {
  board_id: string;
  version: number;
  rules_json: string;
  updated_at: string;
  updated_by: string;
}

/**
 * Stored rules are re-checked field by field on read. A field that is missing
 * (added to Task after the row was saved) or no longer valid falls back to the
 * config/default rule, so a bad row can never loosen what agents may write
 * beyond what the fallback allows.
 */
function readRules(json: string, fallback: OwnershipRules): OwnershipRules {
  let stored: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) stored = parsed as Record<string, unknown>;
  } catch {
    // keep the fallback
  }
  const rules = {} as OwnershipRules;
  for (const field of TASK_FIELDS) {
    const rule = fieldRuleSchema.safeParse(stored[field]);
    rules[field] = rule.success && !ruleProblem(field, rule.data) ? rule.data : { ...fallback[field] };
  }
  return rules;
}

/** Canonical JSON (fixed key order), so an unchanged save can be recognised by text. */
function rulesJson(rules: OwnershipRules): string {
  return JSON.stringify(
    Object.fromEntries(TASK_FIELDS.map((f) => [f, { owner: rules[f].owner, policy: rules[f].policy }])),
  );
}

/**
 * Per-board ownership rules, versioned. Every change is a new row; nothing is
 * overwritten, so the history of who changed what stays visible.
 */
export class OwnershipRepo {
  constructor(private readonly db: Database) {}

  /** The newest saved version, or version 0 carrying `fallback` (the config/default rules) when none was saved. */
  current(boardId: string, fallback: OwnershipRules = defaultOwnershipRules()): OwnershipSchema {
    const row = this.db
      .prepare('SELECT * FROM ownership WHERE board_id = ? ORDER BY version DESC LIMIT 1')
      .get(boardId) as OwnershipRow | undefined;
    if (!row) return { boardId, version: 0, rules: structuredClone(fallback), updatedAt: '', updatedBy: 'default' };
    return this.toSchema(row, fallback);
  }

  /**
   * Saves a complete rule set as version current+1. Throws OwnershipRulesError
   * (problems name the field) when invalid. Saving rules identical to the
   * newest saved version writes nothing and returns that version.
   */
  save(boardId: string, rules: OwnershipRules, by: string): OwnershipSchema {
    const checked = validateOwnershipRules(rules);
    if (!checked.ok) throw new OwnershipRulesError(checked.problems);
    return this.write(boardId, checked.rules, by);
  }

  /** Applies a full or partial edit over the current rules (or `fallback` if none saved) and saves the result. */
  update(
    boardId: string,
    patch: unknown,
    by: string,
    fallback: OwnershipRules = defaultOwnershipRules(),
  ): OwnershipSchema {
    return this.db
      .transaction(() => {
        const result = applyOwnershipPatch(this.current(boardId, fallback).rules, patch);
        if (!result.ok) throw new OwnershipRulesError(result.problems);
        return this.write(boardId, result.rules, by);
      })
      .immediate();
  }

  /** Every saved version of a board's rules, oldest first. */
  history(boardId: string, fallback: OwnershipRules = defaultOwnershipRules()): OwnershipSchema[] {
    const rows = this.db
      .prepare('SELECT * FROM ownership WHERE board_id = ? ORDER BY version ASC')
      .all(boardId) as OwnershipRow[];
    return rows.map((row) => this.toSchema(row, fallback));
  }

  private write(boardId: string, rules: OwnershipRules, by: string): OwnershipSchema {
    // Read-then-insert in one immediate transaction, so two saves cannot both claim version n+1.
    return this.db
      .transaction(() => {
        const last = this.db
          .prepare('SELECT * FROM ownership WHERE board_id = ? ORDER BY version DESC LIMIT 1')
          .get(boardId) as OwnershipRow | undefined;
        const json = rulesJson(rules);
        // Compared as stored text: a hand-edited row that only reads back equal still gets a clean new version.
        if (last && last.rules_json === json) return this.toSchema(last, rules);
        const row: OwnershipRow = {
          board_id: boardId,
          version: (last?.version ?? 0) + 1,
          rules_json: json,
          updated_at: new Date().toISOString(),
          updated_by: by,
        };
        this.db
          .prepare(
            `INSERT INTO ownership (board_id, version, rules_json, updated_at, updated_by)
           VALUES (@board_id, @version, @rules_json, @updated_at, @updated_by)`,
          )
          .run(row);
        return this.toSchema(row, rules);
      })
      .immediate();
  }

  private toSchema(row: OwnershipRow, fallback: OwnershipRules): OwnershipSchema {
    return {
      boardId: row.board_id,
      version: row.version,
      rules: readRules(row.rules_json, fallback),
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    };
  }
}
