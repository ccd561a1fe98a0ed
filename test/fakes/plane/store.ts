import { randomUUID } from 'node:crypto';
import { pyClone, pyEqual } from './pyjson';
import { MicroClock, type Micros } from './time';

/**
 * The fake Plane's in-memory database: one workspace, its projects, states,
 * labels, work items (Plane's `Issue` model) and comments, with the model
 * behaviour that shows through the API (db/models/{issue,state,label,project}.py,
 * db/mixins.py): soft deletion, `auto_now` on every save, sequence ids that are
 * never reused, sort orders, the default state and `completed_at`. Nothing here
 * is Plane's code; it mimics what it does.
 */

export type StateGroup = 'backlog' | 'unstarted' | 'started' | 'completed' | 'cancelled';
export type Priority = 'urgent' | 'high' | 'medium' | 'low' | 'none';
export const PRIORITIES: Priority[] = ['urgent', 'high', 'medium', 'low', 'none'];
export const STATE_GROUPS: StateGroup[] = ['backlog', 'unstarted', 'started', 'completed', 'cancelled'];

export interface UserRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  display_name: string;
  avatar: string;
  user_timezone: string;
  /** Order the user joined the project (Plane lists assignees in member order). */
  joined: number;
}

export interface WorkspaceRow {
  id: string;
  slug: string;
  name: string;
}

export interface ProjectRow {
  id: string;
  name: string;
  identifier: string;
  description: string;
  network: number;
  timezone: string;
  created_at: Micros;
  updated_at: Micros;
  created_by: string | null;
  /** Members by user id, with Plane's role (20 admin, 15 member, 5 guest). */
  members: Map<string, number>;
}

export interface StateRow {
  id: string;
  project: string;
  name: string;
  description: string;
  color: string;
  slug: string;
  sequence: number;
  group: StateGroup;
  default: boolean;
  external_source: string | null;
  external_id: string | null;
  created_at: Micros;
  updated_at: Micros;
  deleted_at: Micros | null;
  created_by: string | null;
  updated_by: string | null;
}

export interface LabelRow {
  id: string;
  project: string;
  name: string;
  description: string;
  color: string;
  sort_order: number;
  parent: string | null;
  external_source: string | null;
  external_id: string | null;
  created_at: Micros;
  updated_at: Micros;
  deleted_at: Micros | null;
  created_by: string | null;
  updated_by: string | null;
}

export interface IssueRow {
  id: string;
  project: string;
  name: string;
  description_html: string;
  description_stripped: string | null;
  priority: Priority;
  state: string | null;
  parent: string | null;
  start_date: string | null;
  target_date: string | null;
  sequence_id: number;
  sort_order: number;
  completed_at: Micros | null;
  archived_at: string | null;
  is_draft: boolean;
  external_source: string | null;
  external_id: string | null;
  /** Label and assignee ids as sets; renderers put them in Plane's order. */
  labels: string[];
  assignees: string[];
  created_at: Micros;
  updated_at: Micros;
  deleted_at: Micros | null;
  created_by: string | null;
  updated_by: string | null;
}

export interface CommentRow {
  id: string;
  project: string;
  issue: string;
  comment_html: string;
  comment_stripped: string;
  access: 'INTERNAL' | 'EXTERNAL';
  external_source: string | null;
  external_id: string | null;
  edited_at: Micros | null;
  parent: string | null;
  actor: string | null;
  /** The Description row Plane creates beside each comment (its id is the `description` field). */
  description: string;
  created_at: Micros;
  updated_at: Micros;
  deleted_at: Micros | null;
  created_by: string | null;
  updated_by: string | null;
}

/** What `model_activity` hands to `webhook_activity`: one record per webhook POST. */
export interface ActivityRecord {
  event: 'issue' | 'issue_comment';
  verb: 'created' | 'updated';
  modelId: string;
  field: string | null;
  oldValue: unknown;
  newValue: unknown;
  actorId: string;
}

/** The writable work-item fields after validation (ids already checked). */
export interface IssueValues {
  name?: string;
  description_html?: string;
  priority?: Priority;
  state?: string | null;
  parent?: string | null;
  start_date?: string | null;
  target_date?: string | null;
  labels?: string[];
  assignees?: string[];
  external_source?: string | null;
  external_id?: string | null;
  is_draft?: boolean;
}

export interface CommentValues {
  comment_html?: string;
  access?: 'INTERNAL' | 'EXTERNAL';
  external_source?: string | null;
  external_id?: string | null;
}

export interface LabelValues {
  name: string;
  color?: string;
  description?: string;
  parent?: string | null;
  sort_order?: number;
  external_source?: string | null;
  external_id?: string | null;
}

export interface StateSeed {
  name: string;
  group: StateGroup;
  color: string;
  default?: boolean;
}

/** Plane's DEFAULT_STATES (db/models/state.py) without Triage, plus an "In Review" column teams commonly add. */
export const DEFAULT_STATE_SEEDS: StateSeed[] = [
  { name: 'Backlog', group: 'backlog', color: '#60646C', default: true },
  { name: 'Todo', group: 'unstarted', color: '#60646C' },
  { name: 'In Progress', group: 'started', color: '#F59E0B' },
  { name: 'In Review', group: 'started', color: '#8B5CF6' },
  { name: 'Done', group: 'completed', color: '#46A758' },
  { name: 'Cancelled', group: 'cancelled', color: '#9AA4BC' },
];

/** Python's html.parser text extraction, roughly (plane/utils/html_processor.strip_tags). */
export function stripTags(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Django's slugify for ASCII names. */
function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^ -~]/g, '')
    .toLowerCase()
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/[-\s]+/g, '-');
}

export interface PlaneStoreOptions {
  offsetMs: () => number;
  workspaceSlug: string;
  projectIdentifier: string;
  projectName: string;
  states: StateSeed[];
}

export class PlaneStore {
  readonly clock: MicroClock;
  readonly workspace: WorkspaceRow;
  readonly users = new Map<string, UserRow>();
  readonly projects = new Map<string, ProjectRow>();
  readonly states = new Map<string, StateRow>();
  readonly labels = new Map<string, LabelRow>();
  readonly issues = new Map<string, IssueRow>();
  readonly comments = new Map<string, CommentRow>();
  /** Pending webhook work, drained by the server after each request or human action. */
  readonly activities: ActivityRecord[] = [];
  /** IssueSequence: the highest sequence id handed out per project (deleted items keep theirs). */
  private readonly sequences = new Map<string, number>();
  private joinCounter = 0;

  constructor(options: PlaneStoreOptions) {
    this.clock = new MicroClock(options.offsetMs);
    this.workspace = { id: randomUUID(), slug: options.workspaceSlug, name: options.workspaceSlug };
    const project = this.addProject(options.projectName, options.projectIdentifier);
    for (const seed of options.states) this.addState(project.id, seed);
  }

  now(): Micros {
    return this.clock.now();
  }

  // ---- users, projects, states ----

  addUser(fields: { email: string; first_name?: string; last_name?: string; display_name?: string }): UserRow {
    const user: UserRow = {
      id: randomUUID(),
      email: fields.email,
      first_name: fields.first_name ?? '',
      last_name: fields.last_name ?? '',
      display_name: fields.display_name ?? fields.email.split('@')[0] ?? '',
      avatar: '',
      user_timezone: 'UTC',
      joined: this.joinCounter++,
    };
    this.users.set(user.id, user);
    return user;
  }

  userByName(name: string): UserRow | undefined {
    return [...this.users.values()].find((u) => u.display_name === name || u.email === name);
  }

  addProject(name: string, identifier: string): ProjectRow {
    const at = this.now();
    const project: ProjectRow = {
      id: randomUUID(),
      name,
      identifier: identifier.trim().toUpperCase(),
      description: '',
      network: 2,
      timezone: 'UTC',
      created_at: at,
      updated_at: at,
      created_by: null,
      members: new Map(),
    };
    this.projects.set(project.id, project);
    return project;
  }

  addMember(projectId: string, userId: string, role = 15): void {
    this.project(projectId).members.set(userId, role);
  }

  project(id: string): ProjectRow {
    const project = this.projects.get(id);
    if (!project) throw new Error(`fake plane: no project ${id}`);
    return project;
  }

  get defaultProject(): ProjectRow {
    return [...this.projects.values()][0]!;
  }

  projectByIdentifier(identifier: string): ProjectRow | undefined {
    return [...this.projects.values()].find((p) => p.identifier === identifier);
  }

  addState(projectId: string, seed: StateSeed): StateRow {
    const at = this.now();
    const existing = this.projectStates(projectId);
    const last = existing.reduce<number | undefined>(
      (m, s) => (m === undefined || s.sequence > m ? s.sequence : m),
      undefined,
    );
    const state: StateRow = {
      id: randomUUID(),
      project: projectId,
      name: seed.name,
      description: '',
      color: seed.color,
      slug: slugify(seed.name),
      // State.save: the largest sequence + 15000, else the field default.
      sequence: last === undefined ? 15000 : last + 15000,
      group: seed.group,
      default: seed.default ?? false,
      external_source: null,
      external_id: null,
      created_at: at,
      updated_at: at,
      deleted_at: null,
      created_by: null,
      updated_by: null,
    };
    this.states.set(state.id, state);
    return state;
  }

  /** States of a project in Meta ordering (`sequence`). */
  projectStates(projectId: string): StateRow[] {
    return [...this.states.values()]
      .filter((s) => s.project === projectId && s.deleted_at === null)
      .sort((a, b) => a.sequence - b.sequence);
  }

  stateByName(projectId: string, name: string): StateRow | undefined {
    return this.projectStates(projectId).find((s) => s.name === name);
  }

  liveState(id: string): StateRow | undefined {
    const state = this.states.get(id);
    return state && state.deleted_at === null ? state : undefined;
  }

  /** Issue._ensure_default_state: the project's default state, else its first. */
  private defaultState(projectId: string): StateRow | undefined {
    const states = this.projectStates(projectId);
    return states.find((s) => s.default) ?? states[0];
  }

  // ---- labels ----

  projectLabels(projectId: string): LabelRow[] {
    return [...this.labels.values()].filter((l) => l.project === projectId && l.deleted_at === null);
  }

  liveLabel(id: string): LabelRow | undefined {
    const label = this.labels.get(id);
    return label && label.deleted_at === null ? label : undefined;
  }

  labelByName(projectId: string, name: string): LabelRow | undefined {
    return this.projectLabels(projectId).find((l) => l.name === name);
  }

  /** Returns the existing label instead when the name is taken (the unique constraint Plane turns into 409). */
  createLabel(projectId: string, values: LabelValues, actorId: string | null): { label: LabelRow; created: boolean } {
    const taken = this.labelByName(projectId, values.name);
    if (taken) return { label: taken, created: false };
    const at = this.now();
    const last = this.projectLabels(projectId).reduce<number | undefined>(
      (m, l) => (m === undefined || l.sort_order > m ? l.sort_order : m),
      undefined,
    );
    const label: LabelRow = {
      id: randomUUID(),
      project: projectId,
      name: values.name,
      description: values.description ?? '',
      color: values.color ?? '',
      sort_order: last === undefined ? (values.sort_order ?? 65535) : last + 10000,
      parent: values.parent ?? null,
      external_source: values.external_source ?? null,
      external_id: values.external_id ?? null,
      created_at: at,
      updated_at: at,
      deleted_at: null,
      created_by: actorId,
      updated_by: null,
    };
    this.labels.set(label.id, label);
    return { label, created: true };
  }

  // ---- work items ----

  /** `Issue.objects`: not soft-deleted. */
  liveIssue(id: string): IssueRow | undefined {
    const issue = this.issues.get(id);
    return issue && issue.deleted_at === null ? issue : undefined;
  }

  /** `Issue.issue_objects`: also not archived, not a draft and not in triage. */
  isListed(issue: IssueRow): boolean {
    return issue.deleted_at === null && issue.archived_at === null && !issue.is_draft;
  }

  projectIssues(projectId: string, listedOnly = true): IssueRow[] {
    return [...this.issues.values()].filter(
      (i) => i.project === projectId && (listedOnly ? this.isListed(i) : i.deleted_at === null),
    );
  }

  issueByExternal(projectId: string, externalId: string, externalSource: string): IssueRow | undefined {
    return this.projectIssues(projectId, false).find(
      (i) => i.external_id === externalId && i.external_source === externalSource,
    );
  }

  issueBySequence(projectId: string, sequenceId: number): IssueRow | undefined {
    return this.projectIssues(projectId).find((i) => i.sequence_id === sequenceId);
  }

  /** Issue.save on create: default state, sequence id, sort order, completed_at, stripped description. */
  createIssue(projectId: string, values: IssueValues & { name: string }, actorId: string | null): IssueRow {
    const at = this.now();
    const state = values.state ? this.liveState(values.state) : this.defaultState(projectId);
    const sequence = (this.sequences.get(projectId) ?? 0) + 1;
    this.sequences.set(projectId, sequence);
    const sameState = this.projectIssues(projectId, false).filter((i) => i.state === (state?.id ?? null));
    const largest = sameState.reduce<number | undefined>(
      (m, i) => (m === undefined || i.sort_order > m ? i.sort_order : m),
      undefined,
    );
    const description = values.description_html ?? '<p></p>';
    const issue: IssueRow = {
      id: randomUUID(),
      project: projectId,
      name: values.name,
      description_html: description,
      description_stripped: description === '' ? null : stripTags(description),
      priority: values.priority ?? 'none',
      state: state?.id ?? null,
      parent: values.parent ?? null,
      start_date: values.start_date ?? null,
      target_date: values.target_date ?? null,
      sequence_id: sequence,
      sort_order: largest === undefined ? 65535 : largest + 10000,
      completed_at: state?.group === 'completed' ? at : null,
      archived_at: null,
      is_draft: values.is_draft ?? false,
      external_source: values.external_source ?? null,
      external_id: values.external_id ?? null,
      labels: [...new Set(values.labels ?? [])],
      assignees: [...new Set(values.assignees ?? [])],
      created_at: at,
      updated_at: at,
      deleted_at: null,
      created_by: actorId,
      // BaseModel.save leaves updated_by empty on create.
      updated_by: null,
    };
    this.issues.set(issue.id, issue);
    return issue;
  }

  /**
   * IssueSerializer.update + Issue.save. `updated_at` is set on every save, even
   * when no value changed: the serializer sets it by hand and `auto_now` sets it
   * again, so a PATCH that changes nothing still moves `updated_at` (and the
   * item to the top of `order_by=-updated_at`).
   */
  updateIssue(issue: IssueRow, values: IssueValues, actorId: string | null): void {
    const before = issue.state;
    for (const key of Object.keys(values) as (keyof IssueValues)[]) {
      const value = values[key];
      if (value === undefined) continue;
      if (key === 'labels' || key === 'assignees') (issue[key] as string[]) = [...new Set(value as string[])];
      else (issue as unknown as Record<string, unknown>)[key] = value;
    }
    const at = this.now();
    if (issue.state === null) issue.state = this.defaultState(issue.project)?.id ?? null;
    if (issue.state !== before) {
      issue.completed_at = this.liveState(issue.state ?? '')?.group === 'completed' ? at : null;
    }
    issue.description_stripped = issue.description_html === '' ? null : stripTags(issue.description_html);
    issue.updated_at = at;
    if (actorId) issue.updated_by = actorId;
  }

  /** SoftDeleteModel.delete: sets deleted_at and saves (so updated_at moves too). */
  deleteIssue(issue: IssueRow, actorId: string | null): void {
    const at = this.now();
    issue.deleted_at = at;
    issue.updated_at = at;
    if (actorId) issue.updated_by = actorId;
    for (const comment of this.comments.values()) {
      if (comment.issue === issue.id && comment.deleted_at === null) comment.deleted_at = at;
    }
  }

  // ---- comments ----

  liveComment(id: string): CommentRow | undefined {
    const comment = this.comments.get(id);
    return comment && comment.deleted_at === null ? comment : undefined;
  }

  issueComments(issueId: string): CommentRow[] {
    return [...this.comments.values()].filter((c) => c.issue === issueId && c.deleted_at === null);
  }

  commentByExternal(projectId: string, externalId: string, externalSource: string): CommentRow | undefined {
    return [...this.comments.values()].find(
      (c) =>
        c.project === projectId &&
        c.deleted_at === null &&
        c.external_id === externalId &&
        c.external_source === externalSource,
    );
  }

  createComment(issue: IssueRow, values: CommentValues, actorId: string | null): CommentRow {
    const at = this.now();
    const html = values.comment_html ?? '<p></p>';
    const comment: CommentRow = {
      id: randomUUID(),
      project: issue.project,
      issue: issue.id,
      comment_html: html,
      comment_stripped: html === '' ? '' : stripTags(html),
      access: values.access ?? 'INTERNAL',
      external_source: values.external_source ?? null,
      external_id: values.external_id ?? null,
      edited_at: null,
      parent: null,
      actor: actorId,
      description: randomUUID(),
      created_at: at,
      updated_at: at,
      deleted_at: null,
      created_by: actorId,
      updated_by: null,
    };
    this.comments.set(comment.id, comment);
    return comment;
  }

  /** `editedAt`: the web app stamps edited_at when the text changes; the public API never does. */
  updateComment(comment: CommentRow, values: CommentValues, actorId: string | null, editedAt = false): void {
    if (editedAt && values.comment_html !== undefined && values.comment_html !== comment.comment_html) {
      comment.edited_at = this.now();
    }
    for (const key of Object.keys(values) as (keyof CommentValues)[]) {
      if (values[key] !== undefined) (comment as unknown as Record<string, unknown>)[key] = values[key];
    }
    comment.comment_stripped = comment.comment_html === '' ? '' : stripTags(comment.comment_html);
    comment.updated_at = this.now();
    if (actorId) comment.updated_by = actorId;
  }

  // ---- webhooks ----

  /**
   * bgtasks/webhook_task.model_activity: on create one `created` record; on
   * update one `updated` record for each key of the request whose value differs
   * from the item's serialized form before the change (Python `!=` on the
   * decoded JSON). Keys the serializer does not have are skipped.
   */
  recordActivity(
    event: ActivityRecord['event'],
    modelId: string,
    requested: Record<string, unknown>,
    currentInstance: Record<string, unknown> | null,
    actorId: string,
  ): void {
    if (currentInstance === null) {
      this.activities.push({ event, verb: 'created', modelId, field: null, oldValue: null, newValue: null, actorId });
      return;
    }
    for (const [key, requestedValue] of Object.entries(requested)) {
      if (!(key in currentInstance)) continue;
      const currentValue = currentInstance[key];
      if (!pyEqual(currentValue, requestedValue)) {
        this.activities.push({
          event,
          verb: 'updated',
          modelId,
          field: key,
          oldValue: pyClone(currentValue),
          newValue: pyClone(requestedValue),
          actorId,
        });
      }
    }
  }
}
