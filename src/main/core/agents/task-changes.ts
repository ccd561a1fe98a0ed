import type { TaskChange } from '../../../shared/model';
import { TASK_FIELDS, type Task, type TaskField } from '../../../shared/task';
import type { Basis } from '../engine/intents';
import { normalizeLabels, valuesEqual } from '../engine/merge';
import { isClaimLabel } from './routing';

function labelsOf(value: unknown): string[] {
  return Array.isArray(value) ? normalizeLabels((value as string[]).filter((l) => !isClaimLabel(l))) : [];
}

function summary(field: TaskField, before: unknown, after: unknown): string {
  switch (field) {
    case 'status':
      return `moved to ${String(after)}`;
    case 'title':
      return 'retitled';
    case 'description':
      return 're-described';
    case 'labels': {
      const removed = labelsOf(before).filter((l) => !labelsOf(after).includes(l));
      const added = labelsOf(after).filter((l) => !labelsOf(before).includes(l));
      return [
        ...(removed.length ? [`unlabelled ${removed.join(', ')}`] : []),
        ...(added.length ? [`labelled ${added.join(', ')}`] : []),
      ].join(', ');
    }
    case 'agentNotes':
      return 'agent notes edited';
    case 'parentId':
      return after ? `moved under ${String(after)}` : 'detached from its parent';
    default:
      return `${field} changed`;
  }
}

/**
 * What changed on the task between the run's read (its basis) and now. Claim
 * labels are left out: they are Deckhand's own bookkeeping, not a person's edit.
 */
export function changesSince(basis: Basis, now: Task): TaskChange[] {
  const changes: TaskChange[] = [];
  for (const field of TASK_FIELDS) {
    if (!(field in basis.fields)) continue;
    const before = basis.fields[field];
    const after = now[field];
    const differ = field === 'labels' ? !valuesEqual(labelsOf(before), labelsOf(after)) : !valuesEqual(before, after);
    if (differ) changes.push({ field, before, after, summary: summary(field, before, after) });
  }
  return changes;
}

/** "moved to Done, unlabelled needs-ai". */
export function describeChanges(changes: readonly TaskChange[]): string {
  return changes.map((c) => c.summary).join(', ');
}

/** The task as the run read it: its basis over the task's identity. */
export function taskAsRead(basis: Basis, now: Task): Task {
  return { ...now, ...basis.fields, version: basis.version ?? now.version };
}
