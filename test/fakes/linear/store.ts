import { randomUUID } from 'node:crypto';
import { linearMarkdown } from './markdown';

export interface UserRow {
  id: string;
  name: string;
  displayName: string;
  email: string;
  apiKey: string;
}

export interface TeamRow {
  id: string;
  key: string;
  name: string;
  memberIds: Set<string>;
}

export interface StateRow {
  id: string;
  teamId: string;
  name: string;
  type: 'triage' | 'backlog' | 'unstarted' | 'started' | 'completed' | 'canceled';
  position: number;
  color: string;
}

export interface LabelRow {
  id: string;
  teamId: string | null;
  name: string;
  color: string;
  createdAt: string;
  updatedAt: string;
}

export interface IssueRow {
  id: string;
  teamId: string;
  number: number;
  title: string;
  description: string | null;
  priority: number;
  stateId: string;
  assigneeId: string | null;
  creatorId: string;
  labelIds: string[];
  parentId: string | null;
  dueDate: string | null;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  trashed: boolean;
}

export interface CommentRow {
  id: string;
  issueId: string;
  userId: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  editedAt: string | null;
}

export type StateSeed = Pick<StateRow, 'name' | 'type'>;

/** A new team's workflow states in Linear (Backlog, Todo, In Progress, In Review, Done, Canceled, Duplicate). */
export const DEFAULT_STATES: StateSeed[] = [
  { name: 'Backlog', type: 'backlog' },
  { name: 'Todo', type: 'unstarted' },
  { name: 'In Progress', type: 'started' },
  { name: 'In Review', type: 'started' },
  { name: 'Done', type: 'completed' },
  { name: 'Canceled', type: 'canceled' },
  { name: 'Duplicate', type: 'canceled' },
];

/** A change the store made, for webhooks: Linear's `action` and the row before (`updatedFrom`). */
export interface Change {
  type: 'Issue' | 'Comment';
  action: 'create' | 'update' | 'remove';
  id: string;
  actorId: string;
  updatedFrom?: Record<string, unknown>;
}

/**
 * The fake Linear workspace's data: one organization, teams with workflow
 * states and labels, users with API keys, issues and comments. Times come
 * from one clock that only moves forward (like Linear's database) and can be
 * skewed. Text is stored as Linear prints it back (markdown.ts).
 */
export class LinearStore {
  readonly organizationId = randomUUID();
  readonly users: UserRow[] = [];
  readonly teams: TeamRow[] = [];
  readonly states: StateRow[] = [];
  readonly labels: LabelRow[] = [];
  readonly issues = new Map<string, IssueRow>();
  readonly comments = new Map<string, CommentRow>();
  readonly changes: Change[] = [];
  clockOffsetMs = 0;
  private lastMs = 0;

  /** Milliseconds, strictly increasing, so two writes never share an updatedAt. */
  now(): string {
    const ms = Math.max(Date.now() + this.clockOffsetMs, this.lastMs + 1);
    this.lastMs = ms;
    return new Date(ms).toISOString();
  }

  addUser(
    name: string,
    displayName = name.toLowerCase(),
    apiKey = `lin_api_${randomUUID().replace(/-/g, '')}`,
  ): UserRow {
    const user = { id: randomUUID(), name, displayName, email: `${displayName}@example.com`, apiKey };
    this.users.push(user);
    return user;
  }

  addTeam(key: string, name: string, states: StateSeed[], members: UserRow[]): TeamRow {
    const team = { id: randomUUID(), key, name, memberIds: new Set(members.map((m) => m.id)) };
    this.teams.push(team);
    states.forEach((s, i) => this.addState(team.id, s, i));
    return team;
  }

  addState(
    teamId: string,
    seed: StateSeed,
    position = this.states.filter((s) => s.teamId === teamId).length,
  ): StateRow {
    const state = { id: randomUUID(), teamId, ...seed, position, color: '#bec2c8' };
    this.states.push(state);
    return state;
  }

  addLabel(teamId: string | null, name: string): LabelRow {
    const at = this.now();
    const label = { id: randomUUID(), teamId, name, color: '#4cb782', createdAt: at, updatedAt: at };
    this.labels.push(label);
    return label;
  }

  team(id: string): TeamRow | undefined {
    return this.teams.find((t) => t.id === id || t.key === id);
  }

  teamStates(teamId: string): StateRow[] {
    return this.states.filter((s) => s.teamId === teamId).sort((a, b) => a.position - b.position);
  }

  /** Labels an issue of the team can carry: the team's and the workspace's. */
  teamLabels(teamId: string): LabelRow[] {
    return this.labels.filter((l) => l.teamId === teamId || l.teamId === null);
  }

  /** The state a new issue gets: the team's first backlog state, else its first unstarted one. */
  defaultState(teamId: string): StateRow {
    const states = this.teamStates(teamId);
    return (states.find((s) => s.type === 'backlog') ?? states.find((s) => s.type === 'unstarted') ?? states[0])!;
  }

  liveIssue(id: string): IssueRow | undefined {
    const issue = this.issues.get(id);
    return issue && !issue.archivedAt ? issue : undefined;
  }

  createIssue(
    values: Partial<Omit<IssueRow, 'id' | 'number' | 'createdAt' | 'updatedAt'>> & { teamId: string; title: string },
    creatorId: string,
    id: string = randomUUID(),
  ): IssueRow {
    const at = this.now();
    const number = [...this.issues.values()].filter((i) => i.teamId === values.teamId).length + 1;
    const issue: IssueRow = {
      id,
      number,
      description: null,
      priority: 0,
      stateId: this.defaultState(values.teamId).id,
      assigneeId: null,
      labelIds: [],
      parentId: null,
      dueDate: null,
      archivedAt: null,
      trashed: false,
      ...values,
      creatorId,
      createdAt: at,
      updatedAt: at,
    };
    if (issue.description !== null) issue.description = linearMarkdown(issue.description);
    this.issues.set(id, issue);
    this.changes.push({ type: 'Issue', action: 'create', id, actorId: creatorId });
    return issue;
  }

  /** Applies values; updatedAt moves on every save, as in Linear, changed or not. */
  updateIssue(issue: IssueRow, values: Partial<IssueRow>, actorId: string): void {
    const updatedFrom: Record<string, unknown> = { updatedAt: issue.updatedAt };
    for (const [key, value] of Object.entries(values)) {
      const k = key as keyof IssueRow;
      const next = k === 'description' && typeof value === 'string' ? linearMarkdown(value) : value;
      if (JSON.stringify(issue[k]) !== JSON.stringify(next)) updatedFrom[key] = issue[k];
      (issue as unknown as Record<string, unknown>)[key] = next;
    }
    issue.updatedAt = this.now();
    this.changes.push({ type: 'Issue', action: 'update', id: issue.id, actorId, updatedFrom });
  }

  /** Deleting moves the issue to the trash: archived, `trashed`, out of every listing. */
  trashIssue(issue: IssueRow, actorId: string): void {
    issue.archivedAt = issue.updatedAt = this.now();
    issue.trashed = true;
    this.changes.push({ type: 'Issue', action: 'remove', id: issue.id, actorId });
  }

  createComment(issue: IssueRow, body: string, userId: string, id: string = randomUUID()): CommentRow {
    const at = this.now();
    const comment = {
      id,
      issueId: issue.id,
      userId,
      body: linearMarkdown(body),
      createdAt: at,
      updatedAt: at,
      editedAt: null,
    };
    this.comments.set(id, comment);
    this.changes.push({ type: 'Comment', action: 'create', id, actorId: userId });
    return comment;
  }

  updateComment(comment: CommentRow, body: string, actorId: string): void {
    const updatedFrom = { body: comment.body, updatedAt: comment.updatedAt };
    comment.body = linearMarkdown(body);
    comment.updatedAt = comment.editedAt = this.now();
    this.changes.push({ type: 'Comment', action: 'update', id: comment.id, actorId, updatedFrom });
  }

  issueComments(issueId: string): CommentRow[] {
    return [...this.comments.values()].filter((c) => c.issueId === issueId);
  }
}
