import { createHash } from 'node:crypto';
import { TASK_FIELDS, type FieldPatch, type TaskField, type TaskFields } from '../../../../shared/task';
import { BoardError } from '../contract/errors';

/**
 * Shape checks for field values, shared by human edits and adapter writes.
 * Checks that need the database (status is a column, parent exists) live in the store.
 */

const invalid = (message: string): BoardError => new BoardError('invalid', message);

/** Labels are a set: trimmed, blanks dropped, deduplicated and sorted so equal sets compare equal. */
export function normaliseLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((l) => l.trim()).filter((l) => l !== ''))].sort();
}

function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

function expectString(field: TaskField, value: unknown): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  return value;
}

function expectNullableString(field: TaskField, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalid(`${field} must be a string or null`);
  return value;
}

/**
 * Checks every value's type and range and returns a normalised copy: labels as a
 * sorted set, a blank assignee/parent/due date as null. Unknown keys are refused,
 * since a silently dropped field would look like a successful write.
 */
export function checkPatch(patch: unknown): FieldPatch {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw invalid('a patch must be an object');
  const out: FieldPatch = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (!(TASK_FIELDS as readonly string[]).includes(key)) {
      throw invalid(`unknown field "${key}"; the fields are: ${TASK_FIELDS.join(', ')}`);
    }
    const field = key as TaskField;
    switch (field) {
      case 'title': {
        const title = expectString(field, value);
        if (title.trim() === '') throw invalid('title must not be blank');
        out.title = title;
        break;
      }
      case 'description':
        out.description = expectString(field, value);
        break;
      case 'agentNotes':
        out.agentNotes = expectString(field, value);
        break;
      case 'status':
        out.status = expectString(field, value);
        break;
      case 'assignee':
      case 'parentId': {
        const text = expectNullableString(field, value);
        out[field] = text === null || text.trim() === '' ? null : text.trim();
        break;
      }
      case 'dueDate': {
        const text = expectNullableString(field, value);
        if (text !== null && text !== '' && !isIsoDate(text)) {
          throw invalid(`dueDate must be a date as YYYY-MM-DD or null, not "${text}"`);
        }
        out.dueDate = text === '' ? null : text;
        break;
      }
      case 'priority':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 4) {
          throw invalid(`priority must be an integer from 0 (none) to 4 (urgent), not ${JSON.stringify(value)}`);
        }
        out.priority = value;
        break;
      case 'labels':
        if (!Array.isArray(value) || !value.every((l) => typeof l === 'string')) {
          throw invalid('labels must be a list of strings');
        }
        out.labels = normaliseLabels(value);
        break;
    }
  }
  return out;
}

/**
 * A version made from the canonical fields themselves, for boards whose own
 * clock or revision moves without a synced field changing (Kanboard's
 * second-granular clock is blind to metadata; Plane bumps `updated_at` on a
 * PATCH that changes nothing). Equal fields give equal versions, so a no-op
 * write is never seen as a change.
 */
export function fieldsVersion(fields: TaskFields): string {
  const tuple = TASK_FIELDS.map((f) => fields[f]);
  return createHash('sha256').update(JSON.stringify(tuple)).digest('hex').slice(0, 20);
}

/** Whether applying `patch` would change any field of `task` (a no-op write is skipped, so its version stays). */
export function patchChanges(task: TaskFields, patch: FieldPatch): boolean {
  return (Object.keys(patch) as TaskField[]).some(
    (field) => patch[field] !== undefined && JSON.stringify(task[field]) !== JSON.stringify(patch[field]),
  );
}

/**
 * Refuses a `columns:` role naming a column the board lacks, in the board's
 * own words: `columns.review: Plane project DEMO has no state "QA"; states: …`.
 */
export function checkColumnRoles(
  roles: Partial<Record<string, string>> | undefined,
  columns: readonly string[],
  where: string,
  noun: { one: string; many: string },
): void {
  for (const [role, column] of Object.entries(roles ?? {})) {
    if (column && !columns.includes(column)) {
      throw new BoardError(
        'invalid',
        `columns.${role}: ${where} has no ${noun.one} "${column}"; ${noun.many}: ${columns.join(', ')}`,
      );
    }
  }
}
