/**
 * Editing one task field as text, for "edit and accept" in the conflict
 * resolver: which control fits the field, how a value becomes the control's
 * text and back, and the same validation the core applies (the contract's schema).
 */
import { taskPatchSchema } from '../../../shared/contract';
import { TASK_FIELDS, type TaskField } from '../../../shared/task';
import { fieldLabel } from '../format';

export type EditorKind = 'line' | 'multiline' | 'labels' | 'priority' | 'status' | 'date' | 'optional-line';

export function isTaskField(field: string): field is TaskField {
  return (TASK_FIELDS as readonly string[]).includes(field);
}

export function editorKind(field: string): EditorKind {
  switch (field) {
    case 'description':
    case 'agentNotes':
      return 'multiline';
    case 'labels':
      return 'labels';
    case 'priority':
      return 'priority';
    case 'status':
      return 'status';
    case 'dueDate':
      return 'date';
    case 'assignee':
    case 'parentId':
      return 'optional-line';
    default:
      return 'line';
  }
}

/** A value as the editor shows it. Labels are comma-separated; none is empty. */
export function toDraft(field: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (editorKind(field) === 'labels' && Array.isArray(value)) return value.join(', ');
  return typeof value === 'string' ? value : String(value);
}

/** The editor's text as a field value. */
export function fromDraft(field: string, draft: string): unknown {
  switch (editorKind(field)) {
    case 'labels':
      return [
        ...new Set(
          draft
            .split(',')
            .map((l) => l.trim())
            .filter((l) => l !== ''),
        ),
      ].sort();
    case 'priority':
      return Number(draft);
    case 'optional-line':
    case 'date':
      return draft.trim() === '' ? null : draft.trim();
    default:
      return draft;
  }
}

/** Why the core would refuse this value for the field, or null when it is fine. */
export function fieldProblem(field: string, value: unknown): string | null {
  if (!isTaskField(field)) return null;
  const result = taskPatchSchema.shape[field].safeParse(value);
  if (result.success) return null;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` (item ${issue.path.join('.')})` : '';
  return `${issue?.message ?? 'not a valid value'}${where}`;
}

/**
 * What is wrong with a card form's values, per field, in words that name the field: "Title must be at most
 * 500 characters (this one has 523)". Checked with the same schema the core applies, before anything is sent.
 */
export function taskFormProblems(values: Partial<Record<TaskField, unknown>>): Partial<Record<TaskField, string>> {
  const problems: Partial<Record<TaskField, string>> = {};
  for (const [field, value] of Object.entries(values) as [TaskField, unknown][]) {
    const problem = fieldProblem(field, value);
    if (!problem) continue;
    const length = typeof value === 'string' ? value.trim().length : 0;
    const count = /at most \d+ characters/.test(problem) ? ` (this one has ${length.toLocaleString('en-US')})` : '';
    problems[field] = `${fieldLabel(field)} ${problem}${count}`;
  }
  return problems;
}
