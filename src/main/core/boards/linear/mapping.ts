import type { Comment, Task, TaskFields } from '../../../../shared/task';
import { fieldsVersion, normaliseLabels } from '../contract/canonical';
import { joinNotesSection, splitNotesSection } from '../kit/notes/description-section';
import { markerOfId } from './ids';
import { normaliseMarkdown } from './markdown';

/** The issue as Deckhand's queries select it (see queries.ts). */
export interface LinearIssue {
  id: string;
  identifier: string;
  title: string;
  description: string | null;
  priority: number;
  dueDate: string | null;
  updatedAt: string;
  labelIds: string[];
  state: { id: string };
  assignee: { id: string } | null;
  parent: { id: string } | null;
  /** Set when the issue is archived or in the trash (listed only with `includeArchived`). */
  archivedAt?: string | null;
}

export interface LinearState {
  id: string;
  name: string;
  /** triage, backlog, unstarted, started, completed, canceled. */
  type: string;
  position: number;
}

export interface LinearLabel {
  id: string;
  name: string;
}

export interface LinearUser {
  id: string;
  name: string;
  displayName: string;
  email: string;
}

export interface LinearComment {
  id: string;
  body: string;
  createdAt: string;
  user: { id: string } | null;
}

/** Linear's priorities: 0 none, 1 urgent, 2 high, 3 medium, 4 low; Deckhand's: 0 none .. 4 urgent. */
export function priorityFromLinear(value: number): number {
  const p = Math.round(value);
  return p >= 1 && p <= 4 ? 5 - p : 0;
}

export function priorityToLinear(value: number): number {
  return value === 0 ? 0 : 5 - value;
}

/** Linear's own order of state types, which its board shows left to right. */
const TYPE_ORDER = ['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled'];

export function sortStates(states: LinearState[]): LinearState[] {
  const rank = (t: string) => (TYPE_ORDER.includes(t) ? TYPE_ORDER.indexOf(t) : TYPE_ORDER.length);
  return [...states].sort((a, b) => rank(a.type) - rank(b.type) || a.position - b.position);
}

/**
 * Agent notes live in a marked section at the end of the description (the
 * kit's header line). Linear has no custom fields, and a marked comment would
 * have to be listed for every issue on every poll: a comments connection per
 * issue multiplies the query's complexity by its page size, while the
 * description already comes with the issue. Both halves are normalised, so
 * Linear's Markdown rewrite of either is not a change.
 */
export function splitDescription(markdown: string | null): { description: string; agentNotes: string } {
  const { description, agentNotes } = splitNotesSection(normaliseMarkdown(markdown ?? ''));
  return { description: normaliseMarkdown(description), agentNotes: normaliseMarkdown(agentNotes) };
}

export function joinDescription(description: string, agentNotes: string): string {
  return joinNotesSection(normaliseMarkdown(description), normaliseMarkdown(agentNotes));
}

/** Names of the team's states, labels and members by id, for reading. */
export interface Directory {
  stateName(id: string): string;
  labelName(id: string): string | undefined;
  memberName(id: string): string | undefined;
}

export function taskFromIssue(issue: LinearIssue, names: Directory): Task {
  const { description, agentNotes } = splitDescription(issue.description);
  const fields: TaskFields = {
    title: issue.title,
    description,
    status: names.stateName(issue.state.id),
    assignee: issue.assignee ? (names.memberName(issue.assignee.id) ?? issue.assignee.id) : null,
    priority: priorityFromLinear(issue.priority),
    labels: normaliseLabels(issue.labelIds.map((id) => names.labelName(id)).filter((n): n is string => !!n)),
    agentNotes,
    parentId: issue.parent?.id ?? null,
    dueDate: issue.dueDate,
  };
  return {
    id: issue.id,
    ...fields,
    // From the normalised fields: Linear moves updatedAt for things Deckhand does not sync (a cycle, a
    // subscriber), and its Markdown rewrite must not look like a new version.
    version: fieldsVersion(fields),
    updatedAt: issue.updatedAt,
    marker: markerOfId(issue.id),
  };
}

export function commentFromLinear(row: LinearComment, taskId: string, names: Directory): Comment {
  return {
    id: row.id,
    taskId,
    author: (row.user && names.memberName(row.user.id)) ?? row.user?.id ?? 'unknown',
    body: normaliseMarkdown(row.body),
    createdAt: row.createdAt,
    marker: markerOfId(row.id),
  };
}
