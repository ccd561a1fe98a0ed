import { createHash, randomBytes } from 'node:crypto';
import { htmlDiff, renderMarkdown } from './markdown';
import { PyFloat, pyDumps, pyStrDate, taigaDate } from './pyjson';

/**
 * The fake Taiga's in-memory database and model behaviour: one project with
 * the Kanban template's statuses, user stories and tasks with Taiga's
 * optimistic concurrency, history entries (changes and comments) computed as
 * taiga/projects/history does (freeze, diff, values, hidden entries), and the
 * webhook payloads those entries raise. Row shapes follow taiga-back's models;
 * JSON shapes follow its serializers. Nothing here is Taiga's code.
 */

// ---- errors ----

/** An answer other than success, with Taiga's body (rendered with Python's json.dumps unless raw). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
    /** The body is already text (or empty). */
    readonly raw = false,
  ) {
    super(`taiga ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
  }
}

/** `format_exception` in taiga/base/exceptions.py for a string detail. */
export const errorBody = (message: string, type: string): Record<string, string> => ({
  _error_message: message,
  _error_type: `taiga.base.exceptions.${type}`,
});

/** Django's Http404 through Taiga's exception handler. */
export const notFound = (message = ''): ApiError => new ApiError(404, { _error_message: message });
export const notAuthenticated = (): ApiError =>
  new ApiError(401, errorBody('Authentication credentials were not provided.', 'NotAuthenticated'), {
    'WWW-Authenticate': 'Bearer realm="api"',
  });
export const permissionDenied = (message = 'You do not have permission to perform this action.'): ApiError =>
  new ApiError(403, errorBody(message, 'PermissionDenied'));
const validation = (errors: Record<string, string[]>): ApiError => new ApiError(400, errors);

// ---- rows ----

export interface UserRow {
  id: number;
  username: string;
  password: string;
  fullName: string;
  email: string;
  uuid: string;
  dateJoined: number;
  isActive: boolean;
}

export interface StatusRow {
  id: number;
  name: string;
  slug: string;
  order: number;
  isClosed: boolean;
  isArchived: boolean;
  color: string;
  wipLimit: number | null;
  projectId: number;
}

export interface TaskStatusRow {
  id: number;
  name: string;
  slug: string;
  order: number;
  isClosed: boolean;
  color: string;
  projectId: number;
}

export interface RoleRow {
  id: number;
  name: string;
  slug: string;
  computable: boolean;
  order: number;
}

export interface ProjectRow {
  id: number;
  name: string;
  slug: string;
  description: string;
  createdDate: number;
  modifiedDate: number;
  ownerId: number;
  isPrivate: boolean;
  /** `tags_colors`: [name, color|null] pairs, kept up to date as Taiga's trigger does. */
  tagsColors: [string, string | null][];
  defaultUsStatusId: number;
  defaultTaskStatusId: number;
  /** The project's ref sequence, shared by user stories and tasks. */
  lastRef: number;
  memberIds: number[];
}

interface ItemBase {
  id: number;
  ref: number;
  projectId: number;
  ownerId: number;
  statusId: number;
  createdDate: number;
  modifiedDate: number;
  subject: string;
  description: string;
  assignedTo: number | null;
  tags: string[];
  externalReference: string[] | null;
  isBlocked: boolean;
  blockedNote: string;
  dueDate: string | null;
  dueDateReason: string;
  version: number;
  watchers: number[];
}

export interface StoryRow extends ItemBase {
  isClosed: boolean;
  finishDate: number | null;
  backlogOrder: number;
  sprintOrder: number;
  kanbanOrder: number;
  assignedUsers: number[];
  clientRequirement: boolean;
  teamRequirement: boolean;
}

export interface TaskRow extends ItemBase {
  userStoryId: number | null;
  finishedDate: number | null;
  usOrder: number;
  taskboardOrder: number;
  isIocaine: boolean;
}

export type ItemKind = 'userstory' | 'task';
export type Diff = Record<string, [unknown, unknown]>;

/** history_historyentry. Types: 1 change, 2 create, 3 delete (HistoryType). */
export interface HistoryRow {
  id: string;
  kind: ItemKind;
  objectId: number;
  type: 1 | 2 | 3;
  user: { pk: number | null; name: string };
  createdAt: number;
  diff: Diff;
  snapshot: Record<string, unknown> | null;
  values: Record<string, Record<string, unknown>>;
  comment: string;
  commentHtml: string;
  deleteCommentDate: number | null;
  deleteCommentUser: { pk: number; name: string } | null;
  commentVersions: { date: number; comment: string; comment_html: string; user: { id: number } }[] | null;
  editCommentDate: number | null;
  isHidden: boolean;
  isSnapshot: boolean;
}

export interface WebhookRow {
  id: number;
  projectId: number;
  name: string;
  url: string;
  key: string;
}

export interface WebhookLogRow {
  id: number;
  webhookId: number;
  url: string;
  status: number;
  requestData: unknown;
  requestHeaders: Record<string, string>;
  responseData: string;
  responseHeaders: Record<string, string>;
  duration: number;
  created: number;
}

/** A webhook payload raised by a history entry (taiga/webhooks/signal_handlers.py), built when the entry is saved. */
export interface TaigaEvent {
  projectId: number;
  payload: Record<string, unknown>;
}

/** The key history uses for an object: `userstories.userstory:12`. */
export const historyKey = (kind: ItemKind, id: number): string =>
  kind === 'userstory' ? `userstories.userstory:${id}` : `tasks.task:${id}`;

const US_STATUSES: [string, string, string, boolean, boolean][] = [
  ['New', 'new', '#70728F', false, false],
  ['Ready', 'ready', '#E44057', false, false],
  ['In progress', 'in-progress', '#E47C40', false, false],
  ['Ready for test', 'ready-for-test', '#E4CE40', false, false],
  ['Done', 'done', '#A8E440', true, false],
  ['Archived', 'archived', '#A9AABC', true, true],
];
const TASK_STATUSES: [string, string, string, boolean][] = [
  ['New', 'new', '#70728F', false],
  ['In progress', 'in-progress', '#E47C40', false],
  ['Ready for test', 'ready-for-test', '#E4CE40', false],
  ['Closed', 'closed', '#A8E440', true],
  ['Needs Info', 'needs-info', '#5178D3', false],
];
const ROLES: [string, boolean][] = [
  ['UX', true],
  ['Design', true],
  ['Front', true],
  ['Back', true],
  ['Product Owner', false],
  ['Stakeholder', false],
];
/** The "?" points every new story gets for each computable role. */
const DEFAULT_POINTS_ID = 1;
/** MAX_PARTIAL_DIFFS in taiga/projects/history/services.py. */
const MAX_PARTIAL_DIFFS = 60;
/** Fields whose change alone makes a hidden history entry (`_not_important_fields`). */
const NOT_IMPORTANT: Record<ItemKind, Set<string>> = {
  userstory: new Set(['backlog_order', 'sprint_order', 'kanban_order']),
  task: new Set(['us_order', 'taskboard_order']),
};

export interface StoreOptions {
  /** Epoch microseconds on the server's clock. */
  now(): number;
  /** Where Taiga's front is (permalinks in webhooks). */
  frontUrl(): string;
  projectSlug: string;
  projectName: string;
  projectTags?: Record<string, string | null>;
  users?: { username: string; password: string; fullName?: string; email?: string }[];
}

export interface Actor {
  user: UserRow;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** DRF's BooleanField.from_native. */
function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return ['true', 't', 'True', '1'].includes(value);
  return value === 1;
}

/** A primary key as DRF's PrimaryKeyRelatedField reads it, or the field's error. */
function toPk(value: unknown): number | string {
  if (isInt(value)) return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  const type = value === null ? 'NoneType' : Array.isArray(value) ? 'list' : typeof value === 'object' ? 'dict' : 'str';
  if (typeof value === 'string') return `Invalid pk '${value}' - object does not exist.`;
  return `Incorrect type. Expected pk value, received ${type}.`;
}

/** Django's words for an empty array item. */
const x0 = (item: unknown): string => (item === null ? 'null' : 'blank');

export class TaigaStore {
  users: UserRow[] = [];
  project: ProjectRow;
  statuses: StatusRow[] = [];
  taskStatuses: TaskStatusRow[] = [];
  roles: RoleRow[] = ROLES.map(([name, computable], i) => ({
    id: i + 1,
    name,
    slug: name.toLowerCase().replace(/\s+/g, '-'),
    computable,
    order: (i + 1) * 10,
  }));
  stories: StoryRow[] = [];
  tasks: TaskRow[] = [];
  history: HistoryRow[] = [];
  webhooks: WebhookRow[] = [];
  webhookLogs: WebhookLogRow[] = [];
  /** Raised by the current request; the server turns them into webhook deliveries. */
  events: TaigaEvent[] = [];
  private seq = new Map<string, number>();
  private lastMicros = 0;

  constructor(private readonly opts: StoreOptions) {
    const joined = Date.UTC(2013, 3, 1, 13, 48, 21, 711) * 1000;
    this.addUser(
      { username: 'admin', password: '123123', fullName: 'Administrator', email: 'admin@admin.com' },
      5,
      joined,
    );
    for (const u of opts.users ?? []) this.addUser(u);
    const now = this.now();
    for (const [i, [name, slug, color, isClosed, isArchived]] of US_STATUSES.entries()) {
      this.statuses.push({
        id: i + 1,
        name,
        slug,
        order: i + 1,
        isClosed,
        isArchived,
        color,
        wipLimit: null,
        projectId: 1,
      });
    }
    for (const [i, [name, slug, color, isClosed]] of TASK_STATUSES.entries()) {
      this.taskStatuses.push({ id: i + 1, name, slug, order: i + 1, isClosed, color, projectId: 1 });
    }
    this.project = {
      id: 1,
      name: opts.projectName,
      slug: opts.projectSlug,
      description: '',
      createdDate: now,
      modifiedDate: now,
      ownerId: 5,
      isPrivate: true,
      tagsColors: Object.entries(opts.projectTags ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      defaultUsStatusId: 1,
      defaultTaskStatusId: 1,
      lastRef: 0,
      memberIds: this.users.map((u) => u.id),
    };
  }

  /** Strictly increasing epoch microseconds (Postgres keeps microseconds; the JSON shows milliseconds). */
  now(): number {
    const t = Math.max(this.opts.now(), this.lastMicros + 1);
    this.lastMicros = t;
    return t;
  }

  nextId(table: string): number {
    const n = (this.seq.get(table) ?? 0) + 1;
    this.seq.set(table, n);
    return n;
  }

  addUser(
    u: { username: string; password: string; fullName?: string; email?: string },
    id?: number,
    dateJoined?: number,
  ): UserRow {
    const row: UserRow = {
      id: id ?? Math.max(5, ...this.users.map((x) => x.id)) + 1,
      username: u.username,
      password: u.password,
      fullName: u.fullName ?? '',
      email: u.email ?? `${u.username}@example.com`,
      uuid: randomBytes(16).toString('hex'),
      dateJoined: dateJoined ?? this.now(),
      isActive: true,
    };
    this.users.push(row);
    if (this.project) this.project.memberIds.push(row.id);
    return row;
  }

  /** `get_user_by_username_or_email`: case-insensitive username or email. */
  findLogin(login: string): UserRow | undefined {
    const lower = login.toLowerCase();
    const hits = this.users.filter((u) => u.username.toLowerCase() === lower || u.email.toLowerCase() === lower);
    return hits.length > 1 ? hits.find((u) => u.username === login || u.email === login) : hits[0];
  }

  user(id: number | null): UserRow | undefined {
    return id === null ? undefined : this.users.find((u) => u.id === id);
  }

  userByName(username: string): UserRow | undefined {
    return this.users.find((u) => u.username === username);
  }

  fullName(u: UserRow): string {
    return u.fullName || u.username || u.email;
  }

  isMember(userId: number): boolean {
    return this.project.memberIds.includes(userId);
  }

  /**
   * A status a project admin adds in Admin > Attributes > Statuses (POST
   * /userstory-statuses), placed before `before` when given, else last.
   */
  addStatus(name: string, before?: string): StatusRow {
    const at = before === undefined ? -1 : this.statuses.findIndex((st) => st.name === before);
    const row: StatusRow = {
      id: Math.max(...this.statuses.map((st) => st.id)) + 1,
      name,
      slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      order: 0,
      isClosed: false,
      isArchived: false,
      color: '#999999',
      wipLimit: null,
      projectId: this.project.id,
    };
    this.statuses.splice(at < 0 ? this.statuses.length : at, 0, row);
    this.statuses.forEach((st, i) => (st.order = i + 1));
    return row;
  }

  status(id: number): StatusRow | undefined {
    return this.statuses.find((s) => s.id === id);
  }

  taskStatus(id: number): TaskStatusRow | undefined {
    return this.taskStatuses.find((s) => s.id === id);
  }

  story(id: number): StoryRow | undefined {
    return this.stories.find((s) => s.id === id);
  }

  task(id: number): TaskRow | undefined {
    return this.tasks.find((t) => t.id === id);
  }

  item(kind: ItemKind, id: number): StoryRow | TaskRow | undefined {
    return kind === 'userstory' ? this.story(id) : this.task(id);
  }

  /** Default ordering of user stories: project, backlog_order, ref. */
  orderedStories(): StoryRow[] {
    return [...this.stories].sort((a, b) => a.backlogOrder - b.backlogOrder || a.ref - b.ref);
  }

  /** Default ordering of tasks: project, created_date, ref. */
  orderedTasks(): TaskRow[] {
    return [...this.tasks].sort((a, b) => a.createdDate - b.createdDate || a.ref - b.ref);
  }

  // ---- validation (the parts of UserStoryValidator / TaskValidator that matter) ----

  /** TaggedResourceMixin + TagsAndTagsColorsField + the tags_colors trigger. */
  private readTags(value: unknown, errors: Record<string, string[]>): string[] | undefined {
    if (value === null) return [];
    if (!Array.isArray(value)) {
      errors.tags = [`Invalid tag '${pyDumps(value)}'. it must be the name or a pair '["name", "hex color/" | null]'.`];
      return undefined;
    }
    const names: string[] = [];
    const newColors: [string, string][] = [];
    for (const tag of value as unknown[]) {
      if (typeof tag === 'string') {
        names.push(tag.toLowerCase());
        continue;
      }
      if (Array.isArray(tag) && tag.length === 2 && typeof tag[0] === 'string') {
        const color: unknown = tag[1];
        if (
          color === null ||
          color === '' ||
          (typeof color === 'string' && /^#([a-fA-F0-9]{6}|[a-fA-F0-9]{3})$/.test(color))
        ) {
          const name = tag[0].toLowerCase();
          names.push(name);
          if (typeof color === 'string' && color !== '' && !this.tagInUse(name)) newColors.push([name, color]);
          continue;
        }
        errors.tags = [`Invalid tag '${pyDumps(tag)}'. The color is not a valid HEX color or null.`];
        return undefined;
      }
      errors.tags = [`Invalid tag '${pyDumps(tag)}'. it must be the name or a pair '["name", "hex color/" | null]'.`];
      return undefined;
    }
    for (const [name, color] of newColors) this.project.tagsColors.push([name, color]);
    return [...new Set(names)];
  }

  private tagInUse(name: string): boolean {
    return [...this.stories, ...this.tasks].some((i) => i.tags.includes(name));
  }

  /** The update_project_tags_colors trigger: tags unknown to the project join it with no color. */
  private registerTags(tags: string[]): void {
    for (const tag of tags) {
      if (!this.project.tagsColors.some(([name]) => name === tag)) this.project.tagsColors.push([tag, null]);
    }
  }

  private readCommon(
    data: Record<string, unknown>,
    kind: ItemKind,
    creating: boolean,
  ): { values: Partial<StoryRow & TaskRow>; errors: Record<string, string[]> } {
    const errors: Record<string, string[]> = {};
    const values: Partial<StoryRow & TaskRow> = {};
    const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(data, k);
    if (creating || has('subject')) {
      const subject = data.subject;
      if (subject === undefined || subject === null || subject === '') errors.subject = ['This field is required.'];
      else values.subject = String(subject);
    }
    if (has('description')) values.description = data.description === null ? '' : String(data.description);
    if (has('blocked_note')) values.blockedNote = data.blocked_note === null ? '' : String(data.blocked_note);
    if (has('is_blocked')) values.isBlocked = toBool(data.is_blocked);
    if (has('due_date_reason')) values.dueDateReason = String(data.due_date_reason ?? '');
    if (has('due_date')) {
      const d = data.due_date;
      if (d === null || d === '') values.dueDate = null;
      else if (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)) values.dueDate = d;
      else errors.due_date = ['Date has wrong format. Use one of these formats instead: YYYY[-MM[-DD]]'];
    }
    if (has('status') && data.status !== null) {
      const pk = toPk(data.status);
      const exists = typeof pk === 'number' && (kind === 'userstory' ? this.status(pk) : this.taskStatus(pk));
      if (typeof pk === 'string') errors.status = [pk];
      else if (!exists) errors.status = [`Invalid pk '${pk}' - object does not exist.`];
      else values.statusId = pk;
    }
    if (has('assigned_to')) {
      if (data.assigned_to === null) values.assignedTo = null;
      else {
        const pk = toPk(data.assigned_to);
        if (typeof pk === 'string') errors.assigned_to = [pk];
        else if (!this.user(pk)) errors.assigned_to = [`Invalid pk '${pk}' - object does not exist.`];
        else if (!this.isMember(pk)) errors.assigned_to = ['The user must be a project member.'];
        else values.assignedTo = pk;
      }
    }
    if (has('tags')) {
      const tags = this.readTags(data.tags, errors);
      if (tags) values.tags = tags;
    }
    if (has('external_reference')) {
      const ref = data.external_reference;
      if (ref === null) values.externalReference = null;
      else if (Array.isArray(ref)) {
        // ArrayField(TextField): each item is validated; a blank one is refused (seen on a real Taiga).
        const blank = ref.findIndex((x) => x === '' || x === null);
        if (blank >= 0) {
          errors.external_reference = [
            `Item ${blank + 1} in the array did not validate: This field cannot be ${x0(ref[blank])}.`,
          ];
        } else values.externalReference = ref.map((x) => (typeof x === 'string' ? x : pyDumps(x)));
      } else errors.external_reference = ['Enter a valid list.'];
    }
    if (has('watchers') && Array.isArray(data.watchers)) {
      values.watchers = (data.watchers as unknown[]).filter(isInt);
    }
    if (kind === 'userstory') {
      if (has('assigned_users')) {
        const list = Array.isArray(data.assigned_users) ? (data.assigned_users as unknown[]) : [];
        const bad = list.find((x) => typeof toPk(x) === 'string' || !this.user(toPk(x) as number));
        if (bad !== undefined) errors.assigned_users = [`Invalid pk '${String(bad)}' - object does not exist.`];
        else values.assignedUsers = [...new Set(list.map((x) => toPk(x) as number))];
      }
      if (has('client_requirement')) values.clientRequirement = toBool(data.client_requirement);
      if (has('team_requirement')) values.teamRequirement = toBool(data.team_requirement);
      for (const [field, key] of [
        ['backlog_order', 'backlogOrder'],
        ['sprint_order', 'sprintOrder'],
      ] as const) {
        if (has(field)) {
          if (isInt(data[field])) values[key] = data[field];
          else errors[field] = ['Enter a whole number.'];
        }
      }
      for (const field of ['milestone', 'swimlane']) {
        if (has(field) && data[field] !== null) {
          const pk = toPk(data[field]);
          errors[field] = [typeof pk === 'string' ? pk : `Invalid pk '${pk}' - object does not exist.`];
        }
      }
    } else {
      if (has('user_story')) {
        if (data.user_story === null) values.userStoryId = null;
        else {
          const pk = toPk(data.user_story);
          if (typeof pk === 'string') errors.user_story = [pk];
          else if (!this.story(pk)) errors.user_story = [`Invalid pk '${pk}' - object does not exist.`];
          else values.userStoryId = pk;
        }
      }
      if (has('is_iocaine')) values.isIocaine = toBool(data.is_iocaine);
      for (const [field, key] of [
        ['us_order', 'usOrder'],
        ['taskboard_order', 'taskboardOrder'],
      ] as const) {
        if (has(field)) {
          if (isInt(data[field])) values[key] = data[field];
          else errors[field] = ['Enter a whole number.'];
        }
      }
    }
    return { values, errors };
  }

  private readProject(data: Record<string, unknown>, errors: Record<string, string[]>): void {
    if (data.project === undefined || data.project === null) {
      errors.project = ['This field is required.'];
      return;
    }
    const pk = toPk(data.project);
    if (typeof pk === 'string') errors.project = [pk];
    else if (pk !== this.project.id) errors.project = [`Invalid pk '${pk}' - object does not exist.`];
  }

  // ---- optimistic concurrency (taiga/projects/occ/mixins.py) ----

  /** Raises the 400 Taiga gives for a missing, invalid or conflicting `version`. */
  checkVersion(kind: ItemKind, item: ItemBase, data: Record<string, unknown>): void {
    const raw = data.version;
    let param: number | null;
    if (raw === undefined || raw === null || raw === '' || raw === false || raw === 0) {
      param = raw === 0 || raw === false ? 0 : null;
    } else if (typeof raw === 'number') param = Math.trunc(raw);
    else if (raw === true) param = 1;
    else if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) param = Number(raw.trim());
    else throw new ApiError(400, { version: 'The version must be an integer' });
    if (param === null || param < 0 || param > item.version) {
      throw new ApiError(400, { version: 'The version parameter is not valid' });
    }
    if (param !== item.version) {
      const modifying = new Set(Object.keys(data).filter((k) => k !== 'version'));
      const entries = this.entriesFor(kind, item.id)
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, item.version - param);
      const modified = new Set(entries.flatMap((e) => Object.keys(e.diff)));
      if ([...modifying].some((k) => modified.has(k))) {
        throw new ApiError(400, { version: "The version doesn't match with the current one" });
      }
    }
  }

  // ---- history (taiga/projects/history/services.py) ----

  entriesFor(kind: ItemKind, id: number): HistoryRow[] {
    return this.history.filter((e) => e.kind === kind && e.objectId === id);
  }

  /** The freezer snapshot of an object (userstory_freezer / task_freezer). */
  freeze(kind: ItemKind, item: StoryRow | TaskRow): Record<string, unknown> {
    if (kind === 'userstory') {
      const s = item as StoryRow;
      const points: Record<string, number> = {};
      for (const r of this.roles.filter((x) => x.computable)) points[String(r.id)] = DEFAULT_POINTS_ID;
      return {
        ref: s.ref,
        owner: s.ownerId,
        status: s.statusId,
        swimlane: null,
        is_closed: s.isClosed,
        finish_date: pyStrDate(s.finishDate),
        backlog_order: s.backlogOrder,
        sprint_order: s.sprintOrder,
        kanban_order: s.kanbanOrder,
        subject: s.subject,
        description: s.description,
        description_html: renderMarkdown(s.description),
        assigned_to: s.assignedTo,
        assigned_users: s.assignedUsers.length > 0 ? [...s.assignedUsers] : s.assignedTo ? [s.assignedTo] : [],
        milestone: null,
        client_requirement: s.clientRequirement,
        team_requirement: s.teamRequirement,
        attachments: [],
        tags: [...s.tags],
        points,
        from_issue: null,
        from_task: null,
        is_blocked: s.isBlocked,
        blocked_note: s.blockedNote,
        blocked_note_html: renderMarkdown(s.blockedNote),
        custom_attributes: [],
        tribe_gig: null,
        due_date: s.dueDate,
      };
    }
    const t = item as TaskRow;
    return {
      ref: t.ref,
      owner: t.ownerId,
      status: t.statusId,
      milestone: null,
      subject: t.subject,
      description: t.description,
      description_html: renderMarkdown(t.description),
      assigned_to: t.assignedTo,
      attachments: [],
      taskboard_order: t.taskboardOrder,
      us_order: t.usOrder,
      tags: [...t.tags],
      user_story: t.userStoryId,
      is_iocaine: t.isIocaine,
      is_blocked: t.isBlocked,
      blocked_note: t.blockedNote,
      blocked_note_html: renderMarkdown(t.blockedNote),
      custom_attributes: [],
      due_date: t.dueDate,
      promoted_to: [],
    };
  }

  /** The last full snapshot rebuilt with the partial diffs after it, and whether the next entry must be full. */
  private lastSnapshot(kind: ItemKind, id: number): { snapshot: Record<string, unknown> | null; needReal: boolean } {
    const entries = this.entriesFor(kind, id).sort((a, b) => a.createdAt - b.createdAt);
    const base = [...entries].reverse().find((e) => e.isSnapshot);
    if (!base?.snapshot) return { snapshot: null, needReal: true };
    const partials = entries.filter((e) => !e.isSnapshot && e.createdAt >= base.createdAt);
    const snapshot = structuredClone(base.snapshot);
    for (const p of partials) for (const [k, v] of Object.entries(p.diff)) snapshot[k] = v[1];
    return { snapshot, needReal: partials.length >= MAX_PARTIAL_DIFFS };
  }

  private diffValues(kind: ItemKind, diff: Diff): Record<string, Record<string, unknown>> {
    const users = new Set<number>();
    for (const key of ['owner', 'assigned_to']) for (const v of diff[key] ?? []) if (isInt(v)) users.add(v);
    for (const list of diff.assigned_users ?? [])
      if (Array.isArray(list)) for (const v of list) if (isInt(v)) users.add(v);
    const values: Record<string, Record<string, unknown>> = { users: {} };
    for (const id of users) {
      const u = this.user(id);
      if (u) values.users![String(id)] = this.fullName(u);
    }
    if (diff.status) {
      const names: Record<string, string> = {};
      for (const id of diff.status) {
        const s = isInt(id) ? (kind === 'userstory' ? this.status(id) : this.taskStatus(id)) : undefined;
        if (s) names[String(s.id)] = s.name;
      }
      values.status = names;
    }
    if (kind === 'task' && diff.user_story) {
      const names: Record<string, string> = {};
      for (const id of diff.user_story) {
        const s = isInt(id) ? this.story(id) : undefined;
        if (s) names[String(s.id)] = `#${s.ref} ${s.subject}`;
      }
      values.user_story = names;
    }
    return values;
  }

  /** take_snapshot: one history entry for the object's current state, or null when nothing changed. */
  snapshot(
    kind: ItemKind,
    item: StoryRow | TaskRow,
    actor: UserRow | null,
    comment: string,
    opts: { delete?: boolean } = {},
  ): HistoryRow | null {
    const current = this.freeze(kind, item);
    const { snapshot: old, needReal: needRealAtFirst } = this.lastSnapshot(kind, item.id);
    let needReal = needRealAtFirst;
    let type: 1 | 2 | 3;
    if (opts.delete) {
      type = 3;
      needReal = true;
    } else type = old ? 1 : 2;
    const diff: Diff = {};
    if (old) {
      for (const key of new Set([...Object.keys(old), ...Object.keys(current)])) {
        if (key === 'attachments') continue;
        if (kind === 'userstory' && key === 'assigned_to') continue; // _deprecated_fields
        if (!sameJson(old[key] ?? null, current[key] ?? null)) diff[key] = [old[key] ?? null, current[key] ?? null];
      }
    }
    if (Object.keys(diff).length === 0 && !comment && old && type !== 3) return null;
    const keys = Object.keys(diff);
    const isHidden = comment.length > 0 ? false : keys.length > 0 && keys.every((k) => NOT_IMPORTANT[kind].has(k));
    const entry: HistoryRow = {
      id: this.uuid1(),
      kind,
      objectId: item.id,
      type,
      user: actor ? { pk: actor.id, name: this.fullName(actor) } : { pk: null, name: '' },
      createdAt: this.now(),
      diff,
      snapshot: needReal ? current : null,
      values: this.diffValues(kind, diff),
      comment,
      commentHtml: renderMarkdown(comment),
      deleteCommentDate: null,
      deleteCommentUser: null,
      commentVersions: null,
      editCommentDate: null,
      isHidden,
      isSnapshot: needReal,
    };
    this.history.push(entry);
    return entry;
  }

  /** A uuid1-shaped id, as HistoryEntry uses. */
  private uuid1(): string {
    const t = BigInt(this.now()) * 10n + 0x01b21dd213814000n;
    const hex = t.toString(16).padStart(15, '0');
    const low = hex.slice(-8);
    const mid = hex.slice(-12, -8);
    const high = hex.slice(0, 3);
    const clock = (0x8000 | (this.nextId('uuid-clock') & 0x3fff)).toString(16);
    return `${low}-${mid}-1${high}-${clock}-${randomBytes(6).toString('hex')}`;
  }

  /** HistoryEntry.values_diff: diffs with ids resolved to names, description as an HTML diff. */
  valuesDiff(entry: HistoryRow): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [key, [from, to]] of Object.entries(entry.diff)) {
      let outKey = key;
      let value: unknown;
      if (['watchers', 'description_diff', 'content_diff', 'blocked_note_diff'].includes(key)) continue;
      if (['description', 'content', 'blocked_note'].includes(key)) {
        const d = htmlDiff(String(from ?? ''), String(to ?? ''));
        if (d) {
          outKey = `${key}_diff`;
          value = [null, d];
        }
      } else if (key === 'assigned_to' || key === 'owner') {
        value = [from, to].map((x) => entry.values.users?.[String(x)] ?? null);
      } else if (key === 'assigned_users') {
        const names = (list: unknown): string | null =>
          Array.isArray(list) && list.length > 0
            ? list
                .map((x) => entry.values.users?.[String(x)])
                .filter(Boolean)
                .join(', ')
            : null;
        value = [names(from), names(to)];
      } else if (key === 'points' || key === 'custom_attributes' || key === 'attachments') {
        continue; // always the template's "?" points and no attachments or custom attributes here
      } else if (entry.values[key]) {
        value = [from, to].map((x) => (entry.values[key]![String(x)] as unknown) ?? null);
      } else {
        value = [from, to];
      }
      if (!value) continue;
      result[outKey] = value;
    }
    return result;
  }

  // ---- user stories ----

  private closeState(s: StoryRow): void {
    const tasks = this.tasks.filter((t) => t.userStoryId === s.id);
    const closed =
      tasks.length === 0
        ? !!this.status(s.statusId)?.isClosed
        : tasks.every((t) => this.taskStatus(t.statusId)?.isClosed);
    if (closed && !s.isClosed) {
      s.isClosed = true;
      s.finishDate = this.now();
    } else if (!closed && s.isClosed) {
      s.isClosed = false;
      s.finishDate = null;
    }
  }

  createStory(data: Record<string, unknown>, actor: UserRow): StoryRow {
    const { values, errors } = this.readCommon(data, 'userstory', true);
    this.readProject(data, errors);
    if (Object.keys(errors).length > 0) throw validation(errors);
    if (!this.isMember(actor.id)) throw permissionDenied();
    const now = this.now();
    const story: StoryRow = {
      id: this.nextId('userstory'),
      ref: ++this.project.lastRef,
      projectId: this.project.id,
      ownerId: actor.id,
      statusId: this.project.defaultUsStatusId,
      isClosed: false,
      finishDate: null,
      backlogOrder: now,
      sprintOrder: now,
      kanbanOrder: now,
      createdDate: now,
      modifiedDate: now,
      subject: '',
      description: '',
      assignedTo: null,
      assignedUsers: [],
      clientRequirement: false,
      teamRequirement: false,
      tags: [],
      externalReference: null,
      isBlocked: false,
      blockedNote: '',
      dueDate: null,
      dueDateReason: '',
      version: 1,
      watchers: [],
      ...values,
    } as StoryRow;
    this.registerTags(story.tags);
    this.stories.push(story);
    this.closeState(story);
    const comment = typeof data.comment === 'string' ? data.comment : '';
    this.afterSave('userstory', story, actor, comment);
    return story;
  }

  updateStory(id: number, data: Record<string, unknown>, actor: UserRow, opts: { occ?: boolean } = {}): StoryRow {
    const story = this.story(id);
    if (!story) throw notFound();
    if (!this.isMember(actor.id)) throw permissionDenied();
    if (data.project !== undefined && data.project !== null && data.project !== story.projectId) {
      throw new ApiError(400, "The project doesn't exist");
    }
    const { values, errors } = this.readCommon(data, 'userstory', false);
    if (Object.keys(errors).length > 0) throw validation(errors);
    if (opts.occ !== false) this.checkVersion('userstory', story, data);
    const oldStatus = story.statusId;
    Object.assign(story, values);
    if (story.statusId !== oldStatus) story.kanbanOrder = this.now(); // moved: the end of the new column
    story.modifiedDate = this.now();
    story.version += 1;
    this.registerTags(story.tags);
    this.closeState(story);
    const comment = typeof data.comment === 'string' ? data.comment : '';
    this.afterSave('userstory', story, actor, comment);
    return story;
  }

  deleteStory(id: number, actor: UserRow): void {
    const story = this.story(id);
    if (!story) throw notFound();
    if (!this.isMember(actor.id)) throw permissionDenied();
    const entry = this.snapshot('userstory', story, actor, '', { delete: true });
    if (entry) this.raise(entry, story, actor);
    this.stories = this.stories.filter((s) => s !== story);
    this.tasks = this.tasks.filter((t) => t.userStoryId !== story.id); // on_delete=CASCADE, no history
  }

  // ---- tasks ----

  createTask(data: Record<string, unknown>, actor: UserRow): TaskRow {
    const { values, errors } = this.readCommon(data, 'task', true);
    this.readProject(data, errors);
    if (Object.keys(errors).length > 0) throw validation(errors);
    if (!this.isMember(actor.id)) throw permissionDenied();
    const now = this.now();
    const task: TaskRow = {
      id: this.nextId('task'),
      ref: ++this.project.lastRef,
      projectId: this.project.id,
      ownerId: actor.id,
      statusId: this.project.defaultTaskStatusId,
      userStoryId: null,
      finishedDate: null,
      createdDate: now,
      modifiedDate: now,
      subject: '',
      description: '',
      assignedTo: null,
      tags: [],
      externalReference: null,
      isBlocked: false,
      blockedNote: '',
      dueDate: null,
      dueDateReason: '',
      usOrder: now,
      taskboardOrder: now,
      isIocaine: false,
      version: 1,
      watchers: [],
      ...values,
    } as TaskRow;
    this.registerTags(task.tags);
    this.tasks.push(task);
    this.afterTaskSave(task, null);
    const comment = typeof data.comment === 'string' ? data.comment : '';
    this.afterSave('task', task, actor, comment);
    return task;
  }

  updateTask(id: number, data: Record<string, unknown>, actor: UserRow, opts: { occ?: boolean } = {}): TaskRow {
    const task = this.task(id);
    if (!task) throw notFound();
    if (!this.isMember(actor.id)) throw permissionDenied();
    const { values, errors } = this.readCommon(data, 'task', false);
    if (Object.keys(errors).length > 0) throw validation(errors);
    if (opts.occ !== false) this.checkVersion('task', task, data);
    const previousStory = task.userStoryId;
    Object.assign(task, values);
    task.modifiedDate = this.now();
    task.version += 1;
    this.registerTags(task.tags);
    this.afterTaskSave(task, previousStory);
    const comment = typeof data.comment === 'string' ? data.comment : '';
    this.afterSave('task', task, actor, comment);
    return task;
  }

  deleteTask(id: number, actor: UserRow): void {
    const task = this.task(id);
    if (!task) throw notFound();
    if (!this.isMember(actor.id)) throw permissionDenied();
    const entry = this.snapshot('task', task, actor, '', { delete: true });
    if (entry) this.raise(entry, task, actor);
    this.tasks = this.tasks.filter((t) => t !== task);
    const story = task.userStoryId === null ? undefined : this.story(task.userStoryId);
    if (story) this.closeState(story);
  }

  /** finished_date follows the status; the parent story opens or closes with its tasks (no version bump there). */
  private afterTaskSave(task: TaskRow, previousStory: number | null): void {
    const closed = !!this.taskStatus(task.statusId)?.isClosed;
    if (closed && task.finishedDate === null) task.finishedDate = this.now();
    else if (!closed && task.finishedDate !== null) task.finishedDate = null;
    for (const sid of new Set([task.userStoryId, previousStory])) {
      const story = sid === null ? undefined : this.story(sid);
      if (story) this.closeState(story);
    }
  }

  private afterSave(kind: ItemKind, item: StoryRow | TaskRow, actor: UserRow, comment: string): void {
    if (comment && !item.watchers.includes(actor.id)) item.watchers.push(actor.id);
    const entry = this.snapshot(kind, item, actor, comment);
    if (entry) this.raise(entry, item, actor);
  }

  // ---- comments (taiga/projects/history/api.py) ----

  /** Change entries that are not hidden: what `GET /history/{kind}/{id}` and edit_comment look through. */
  visibleEntries(kind: ItemKind, id: number): HistoryRow[] {
    return this.entriesFor(kind, id).filter((e) => e.type === 1 && !e.isHidden);
  }

  editComment(kind: ItemKind, id: number, entryId: string | null, comment: unknown, actor: UserRow): void {
    const item = this.item(kind, id);
    if (!item) throw notFound(`No ${kind === 'userstory' ? 'UserStory' : 'Task'} matches the given query.`);
    const entry = this.visibleEntries(kind, id).find((e) => e.id === entryId);
    if (!entry) throw new ApiError(404, '', {}, true);
    if (entry.user.pk !== actor.id && this.project.ownerId !== actor.id) throw permissionDenied();
    if (comment === null || comment === undefined) throw new ApiError(400, { error: 'comment is required' });
    if (entry.deleteCommentDate || entry.deleteCommentUser) {
      throw new ApiError(400, { error: "deleted comments can't be edited" });
    }
    const versions = entry.commentVersions ?? [];
    versions.push({
      date: entry.createdAt,
      comment: entry.comment,
      comment_html: entry.commentHtml,
      user: { id: actor.id },
    });
    entry.editCommentDate = this.now();
    entry.comment = String(comment);
    entry.commentHtml = renderMarkdown(entry.comment);
    entry.commentVersions = versions;
    this.raise(entry, item, actor); // HistoryEntry.save() fires post_save, so the webhooks go again
  }

  deleteComment(kind: ItemKind, id: number, entryId: string | null, actor: UserRow): void {
    const item = this.item(kind, id);
    if (!item) throw notFound(`No ${kind === 'userstory' ? 'UserStory' : 'Task'} matches the given query.`);
    const entry = this.visibleEntries(kind, id).find((e) => e.id === entryId);
    if (!entry) throw new ApiError(404, '', {}, true);
    if (entry.user.pk !== actor.id && this.project.ownerId !== actor.id) throw permissionDenied();
    if (entry.deleteCommentDate || entry.deleteCommentUser)
      throw new ApiError(400, { error: 'Comment already deleted' });
    entry.deleteCommentDate = this.now();
    entry.deleteCommentUser = { pk: actor.id, name: this.fullName(actor) };
    this.raise(entry, item, actor);
  }

  // ---- webhooks (taiga/webhooks/signal_handlers.py, tasks.py) ----

  /** Queues the webhook payload of a saved, non-hidden history entry. */
  private raise(entry: HistoryRow, item: StoryRow | TaskRow, actor: UserRow): void {
    if (entry.isHidden || this.webhooks.length === 0) return;
    const action = entry.type === 2 ? 'create' : entry.type === 3 ? 'delete' : 'change';
    const payload: Record<string, unknown> = {
      action,
      type: entry.kind,
      by: this.hookUser(this.user(entry.user.pk) ?? actor),
      date: taigaDate(this.now()),
      data: entry.kind === 'userstory' ? this.hookStory(item as StoryRow) : this.hookTask(item as TaskRow),
    };
    if (action === 'change') {
      // The timeline handler runs first and clears the description fields of the same values_diff.
      const values = this.valuesDiff(entry);
      delete values.description_html;
      if ('description_diff' in values) values.description_diff = 'Check the history API for the exact diff';
      const diff: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(values)) {
        diff[k] = k === 'description_diff' ? v : { from: (v as unknown[])[0], to: (v as unknown[])[1] };
      }
      payload.change = {
        comment: entry.comment,
        comment_html: entry.commentHtml,
        delete_comment_date: taigaDate(entry.deleteCommentDate),
        comment_versions: entry.commentVersions?.map((v) => ({ ...v, date: taigaDate(v.date) })) ?? null,
        edit_comment_date: taigaDate(entry.editCommentDate),
        diff,
      };
    }
    this.events.push({ projectId: this.project.id, payload });
  }

  createWebhook(data: Record<string, unknown>, actor: UserRow): WebhookRow {
    const errors: Record<string, string[]> = {};
    this.readProject(data, errors);
    for (const field of ['name', 'url', 'key']) {
      if (data[field] === undefined || data[field] === null || data[field] === '')
        errors[field] = ['This field is required.'];
    }
    if (typeof data.url === 'string' && data.url !== '' && !/^https?:\/\/[^\s/]+/i.test(data.url)) {
      errors.url = ['Enter a valid URL.'];
    }
    if (Object.keys(errors).length > 0) throw validation(errors);
    if (this.project.ownerId !== actor.id) throw permissionDenied();
    const hook: WebhookRow = {
      id: this.nextId('webhook'),
      projectId: this.project.id,
      name: String(data.name),
      url: String(data.url),
      key: String(data.key),
    };
    this.webhooks.push(hook);
    return hook;
  }

  /** `_remove_leftover_webhooklogs`: only the last ten logs of a webhook are kept. */
  addWebhookLog(log: Omit<WebhookLogRow, 'id' | 'created'>): WebhookLogRow {
    const row: WebhookLogRow = { ...log, id: this.nextId('webhooklog'), created: this.now() };
    this.webhookLogs.push(row);
    const mine = this.webhookLogs.filter((l) => l.webhookId === log.webhookId).sort((a, b) => b.id - a.id);
    const drop = new Set(mine.slice(10).map((l) => l.id));
    this.webhookLogs = this.webhookLogs.filter((l) => !drop.has(l.id));
    return row;
  }

  // ---- JSON shapes: API ----

  private permalink(path: string): string {
    return `${this.opts.frontUrl().replace(/\/$/, '')}${path}`;
  }

  userBasic(u: UserRow | undefined): Record<string, unknown> | null {
    if (!u) return null;
    return {
      username: u.username,
      full_name_display: this.fullName(u),
      photo: null,
      big_photo: null,
      gravatar_id: md5(u.email.toLowerCase()),
      is_active: u.isActive,
      id: u.id,
    };
  }

  /** UserAdminSerializer: the login answer and `/users/me`. */
  userAdmin(u: UserRow): Record<string, unknown> {
    return {
      id: u.id,
      username: u.username,
      full_name: u.fullName,
      full_name_display: this.fullName(u),
      color: '',
      bio: '',
      lang: '',
      theme: '',
      timezone: '',
      is_active: u.isActive,
      photo: null,
      big_photo: null,
      gravatar_id: md5(u.email.toLowerCase()),
      roles: this.isMember(u.id) ? [u.id === this.project.ownerId ? 'Product Owner' : 'Back'] : [],
      total_private_projects: u.id === this.project.ownerId && this.project.isPrivate ? 1 : 0,
      total_public_projects: u.id === this.project.ownerId && !this.project.isPrivate ? 1 : 0,
      email: u.email,
      uuid: u.uuid,
      date_joined: taigaDate(u.dateJoined),
      read_new_terms: false,
      accepted_terms: true,
      max_private_projects: null,
      max_public_projects: null,
      max_memberships_private_projects: null,
      max_memberships_public_projects: null,
      verified_email: true,
    };
  }

  statusJson(s: StatusRow): Record<string, unknown> {
    return {
      id: s.id,
      name: s.name,
      slug: s.slug,
      order: s.order,
      is_closed: s.isClosed,
      is_archived: s.isArchived,
      color: s.color,
      wip_limit: s.wipLimit,
      project: s.projectId,
    };
  }

  taskStatusJson(s: TaskStatusRow): Record<string, unknown> {
    return {
      id: s.id,
      name: s.name,
      slug: s.slug,
      order: s.order,
      is_closed: s.isClosed,
      color: s.color,
      project: s.projectId,
    };
  }

  private tagsJson(tags: string[]): [string, string | null][] {
    const colors = new Map(this.project.tagsColors);
    return tags.map((t) => [t, colors.get(t) ?? null]);
  }

  private dueDateStatus(dueDate: string | null, closed: boolean): string {
    if (dueDate === null) return 'not_set';
    if (closed) return 'no_longer_applicable';
    const today = new Date(Math.floor(this.opts.now() / 1000)).toISOString().slice(0, 10);
    if (today > dueDate) return 'past_due';
    const soon = new Date(Math.floor(this.opts.now() / 1000) + 14 * 86_400_000).toISOString().slice(0, 10);
    return soon >= dueDate ? 'due_soon' : 'set';
  }

  private totalComments(kind: ItemKind, id: number): number {
    return this.entriesFor(kind, id).filter((e) => e.comment !== '').length;
  }

  private projectExtra(): Record<string, unknown> {
    return { name: this.project.name, slug: this.project.slug, logo_small_url: null, id: this.project.id };
  }

  /** UserStoryListSerializer (list items have no description). */
  storyListJson(s: StoryRow, viewer: number | null): Record<string, unknown> {
    const status = this.status(s.statusId);
    const points: Record<string, number> = {};
    for (const r of this.roles.filter((x) => x.computable)) points[String(r.id)] = DEFAULT_POINTS_ID;
    return {
      id: s.id,
      ref: s.ref,
      milestone: null,
      milestone_slug: null,
      milestone_name: null,
      project: s.projectId,
      is_closed: s.isClosed,
      points,
      backlog_order: s.backlogOrder,
      sprint_order: s.sprintOrder,
      kanban_order: s.kanbanOrder,
      created_date: taigaDate(s.createdDate),
      modified_date: taigaDate(s.modifiedDate),
      finish_date: taigaDate(s.finishDate),
      subject: s.subject,
      client_requirement: s.clientRequirement,
      team_requirement: s.teamRequirement,
      generated_from_issue: null,
      generated_from_task: null,
      from_task_ref: null,
      external_reference: s.externalReference,
      tribe_gig: null,
      version: s.version,
      watchers: [...s.watchers],
      is_blocked: s.isBlocked,
      blocked_note: s.blockedNote,
      total_points: null,
      comment: '',
      origin_issue: null,
      origin_task: null,
      epics: null,
      epic_order: null,
      tasks: [],
      total_attachments: 0,
      swimlane: null,
      assigned_users: [...new Set([...s.assignedUsers, ...(s.assignedTo ? [s.assignedTo] : [])])],
      project_extra_info: this.projectExtra(),
      is_voter: false,
      total_voters: 0,
      is_watcher: viewer !== null && s.watchers.includes(viewer),
      total_watchers: s.watchers.length,
      owner: s.ownerId,
      owner_extra_info: this.userBasic(this.user(s.ownerId)),
      assigned_to: s.assignedTo,
      assigned_to_extra_info: this.userBasic(this.user(s.assignedTo)),
      status: s.statusId,
      status_extra_info: status ? { name: status.name, color: status.color, is_closed: status.isClosed } : null,
      attachments: [],
      tags: this.tagsJson(s.tags),
      total_comments: this.totalComments('userstory', s.id),
      due_date: s.dueDate,
      due_date_reason: s.dueDateReason,
      due_date_status: this.dueDateStatus(s.dueDate, !!status?.isClosed),
    };
  }

  /** UserStorySerializer (create and PATCH answers); with neighbors for GET by id or by ref. */
  storyJson(s: StoryRow, viewer: number | null, withNeighbors = false): Record<string, unknown> {
    const json: Record<string, unknown> = {
      ...this.storyListJson(s, viewer),
      blocked_note_html: renderMarkdown(s.blockedNote),
      description: s.description,
      description_html: renderMarkdown(s.description),
    };
    if (withNeighbors) {
      const ordered = this.orderedStories();
      const i = ordered.indexOf(s);
      const n = (x: StoryRow | undefined): Record<string, unknown> | null =>
        x ? { id: x.id, ref: x.ref, subject: x.subject } : null;
      json.neighbors = { previous: n(ordered[i - 1]), next: n(ordered[i + 1]) };
    }
    return json;
  }

  taskListJson(t: TaskRow, viewer: number | null): Record<string, unknown> {
    const status = this.taskStatus(t.statusId);
    const story = t.userStoryId === null ? undefined : this.story(t.userStoryId);
    return {
      id: t.id,
      user_story: t.userStoryId,
      ref: t.ref,
      project: t.projectId,
      milestone: null,
      milestone_slug: null,
      created_date: taigaDate(t.createdDate),
      modified_date: taigaDate(t.modifiedDate),
      finished_date: taigaDate(t.finishedDate),
      subject: t.subject,
      us_order: t.usOrder,
      taskboard_order: t.taskboardOrder,
      is_iocaine: t.isIocaine,
      external_reference: t.externalReference,
      version: t.version,
      watchers: [...t.watchers],
      is_blocked: t.isBlocked,
      blocked_note: t.blockedNote,
      is_closed: !!status?.isClosed,
      user_story_extra_info: story ? { id: story.id, ref: story.ref, subject: story.subject, epics: null } : null,
      is_voter: false,
      total_voters: 0,
      is_watcher: viewer !== null && t.watchers.includes(viewer),
      total_watchers: t.watchers.length,
      owner: t.ownerId,
      owner_extra_info: this.userBasic(this.user(t.ownerId)),
      assigned_to: t.assignedTo,
      assigned_to_extra_info: this.userBasic(this.user(t.assignedTo)),
      status: t.statusId,
      status_extra_info: status ? { name: status.name, color: status.color, is_closed: status.isClosed } : null,
      project_extra_info: this.projectExtra(),
      attachments: [],
      tags: this.tagsJson(t.tags),
      total_comments: this.totalComments('task', t.id),
      due_date: t.dueDate,
      due_date_reason: t.dueDateReason,
      due_date_status: this.dueDateStatus(t.dueDate, !!status?.isClosed),
    };
  }

  taskJson(t: TaskRow, viewer: number | null, withNeighbors = false): Record<string, unknown> {
    const json: Record<string, unknown> = {
      ...this.taskListJson(t, viewer),
      comment: '',
      generated_user_stories: null,
      blocked_note_html: renderMarkdown(t.blockedNote),
      description: t.description,
      description_html: renderMarkdown(t.description),
    };
    if (withNeighbors) {
      const ordered = this.orderedTasks();
      const i = ordered.indexOf(t);
      const n = (x: TaskRow | undefined): Record<string, unknown> | null =>
        x ? { id: x.id, ref: x.ref, subject: x.subject } : null;
      json.neighbors = { previous: n(ordered[i - 1]), next: n(ordered[i + 1]) };
    }
    return json;
  }

  /** HistoryEntrySerializer (taiga/projects/history/serializers.py). */
  historyJson(e: HistoryRow): Record<string, unknown> {
    const owner = this.user(e.user.pk);
    return {
      id: e.id,
      user: {
        pk: e.user.pk,
        username: owner?.username ?? null,
        name: owner ? this.fullName(owner) : e.user.name,
        photo: null,
        is_active: owner?.isActive ?? false,
        gravatar_id: owner ? md5(owner.email.toLowerCase()) : null,
      },
      created_at: taigaDate(e.createdAt),
      type: e.type,
      key: historyKey(e.kind, e.objectId),
      diff: e.diff,
      snapshot: e.snapshot,
      values: e.values,
      values_diff: this.valuesDiff(e),
      comment: e.comment,
      comment_html: e.commentHtml,
      delete_comment_date: taigaDate(e.deleteCommentDate),
      delete_comment_user: e.deleteCommentUser,
      edit_comment_date: taigaDate(e.editCommentDate),
      is_hidden: e.isHidden,
      is_snapshot: e.isSnapshot,
    };
  }

  /** ProjectDetailSerializer, the fields a client looks at. */
  projectJson(viewer: number | null): Record<string, unknown> {
    const p = this.project;
    const isOwner = viewer === p.ownerId;
    const isMember = viewer !== null && this.isMember(viewer);
    return {
      id: p.id,
      name: p.name,
      slug: p.slug,
      description: p.description,
      created_date: taigaDate(p.createdDate),
      modified_date: taigaDate(p.modifiedDate),
      owner: this.userBasic(this.user(p.ownerId)),
      members: p.memberIds.map((id) => {
        const u = this.user(id)!;
        const role = this.roles.find((r) => r.name === (id === p.ownerId ? 'Product Owner' : 'Back'))!;
        return {
          id: u.id,
          username: u.username,
          full_name: u.fullName,
          full_name_display: this.fullName(u),
          color: '',
          photo: null,
          is_active: u.isActive,
          gravatar_id: md5(u.email.toLowerCase()),
          role: role.id,
          role_name: role.name,
        };
      }),
      total_milestones: null,
      total_story_points: null,
      is_contact_activated: true,
      is_epics_activated: false,
      is_backlog_activated: false,
      is_kanban_activated: true,
      is_wiki_activated: false,
      is_issues_activated: false,
      videoconferences: null,
      videoconferences_extra_data: null,
      creation_template: 2,
      is_private: p.isPrivate,
      anon_permissions: [],
      public_permissions: [],
      is_featured: false,
      is_looking_for_people: false,
      looking_for_people_note: '',
      blocked_code: null,
      archived_code: null,
      tags: null,
      tags_colors: Object.fromEntries(p.tagsColors),
      default_epic_status: null,
      default_points: DEFAULT_POINTS_ID,
      default_us_status: p.defaultUsStatusId,
      default_task_status: p.defaultTaskStatusId,
      default_priority: null,
      default_severity: null,
      default_issue_status: null,
      default_issue_type: null,
      default_swimlane: null,
      my_permissions: isMember
        ? [
            'view_project',
            'view_us',
            'add_us',
            'modify_us',
            'delete_us',
            'comment_us',
            'view_tasks',
            'add_task',
            'modify_task',
            'delete_task',
            'comment_task',
          ]
        : [],
      i_am_owner: isOwner,
      i_am_admin: isOwner,
      i_am_member: isMember,
      is_watcher: isMember,
      total_watchers: p.memberIds.length,
      logo_small_url: null,
      logo_big_url: null,
      is_fan: false,
      us_statuses: this.statuses.map((s) => this.statusJson(s)),
      task_statuses: this.taskStatuses.map((s) => this.taskStatusJson(s)),
      points: [{ id: DEFAULT_POINTS_ID, name: '?', order: 1, value: null, project: p.id }],
      swimlanes: [],
      roles: this.roles.map((r) => ({
        id: r.id,
        name: r.name,
        slug: r.slug,
        order: r.order,
        computable: r.computable,
      })),
      total_memberships: p.memberIds.length,
      userstory_custom_attributes: [],
      task_custom_attributes: [],
      milestones: [],
    };
  }

  webhookJson(h: WebhookRow): Record<string, unknown> {
    return {
      id: h.id,
      project: h.projectId,
      name: h.name,
      url: h.url,
      key: h.key,
      logs_counter: this.webhookLogs.filter((l) => l.webhookId === h.id).length,
    };
  }

  webhookLogJson(l: WebhookLogRow): Record<string, unknown> {
    return {
      id: l.id,
      webhook: l.webhookId,
      url: l.url,
      status: l.status,
      request_data: l.requestData,
      request_headers: l.requestHeaders,
      response_data: l.responseData,
      response_headers: l.responseHeaders,
      duration: new PyFloat(l.duration),
      created: taigaDate(l.created),
    };
  }

  // ---- JSON shapes: webhook payloads (taiga/webhooks/serializers.py) ----

  hookUser(u: UserRow): Record<string, unknown> {
    return {
      id: u.id,
      permalink: this.permalink(`/profile/${u.username}`),
      username: u.username,
      full_name: this.fullName(u),
      photo: null,
      gravatar_id: md5(u.email.toLowerCase()),
    };
  }

  private hookProject(): Record<string, unknown> {
    return {
      id: this.project.id,
      permalink: this.permalink(`/project/${this.project.slug}`),
      name: this.project.name,
      logo_big_url: null,
    };
  }

  hookStory(s: StoryRow): Record<string, unknown> {
    const status = this.status(s.statusId);
    const owner = this.user(s.ownerId);
    const assigned = this.user(s.assignedTo);
    return {
      custom_attributes_values: {},
      id: s.id,
      ref: s.ref,
      project: this.hookProject(),
      is_closed: s.isClosed,
      created_date: taigaDate(s.createdDate),
      modified_date: taigaDate(s.modifiedDate),
      finish_date: taigaDate(s.finishDate),
      due_date: s.dueDate,
      due_date_reason: s.dueDateReason,
      subject: s.subject,
      client_requirement: s.clientRequirement,
      team_requirement: s.teamRequirement,
      generated_from_issue: null,
      generated_from_task: null,
      from_task_ref: null,
      external_reference: s.externalReference,
      tribe_gig: null,
      watchers: [...s.watchers],
      is_blocked: s.isBlocked,
      blocked_note: s.blockedNote,
      description: s.description,
      tags: [...s.tags],
      permalink: this.permalink(`/project/${this.project.slug}/us/${s.ref}`),
      owner: owner ? this.hookUser(owner) : null,
      assigned_to: assigned ? this.hookUser(assigned) : null,
      assigned_users: [...s.assignedUsers],
      points: this.roles.filter((r) => r.computable).map((r) => ({ role: r.name, name: '?', value: null })),
      status: status
        ? {
            id: status.id,
            name: status.name,
            slug: status.slug,
            color: status.color,
            is_closed: status.isClosed,
            is_archived: status.isArchived,
          }
        : null,
      milestone: null,
    };
  }

  hookTask(t: TaskRow): Record<string, unknown> {
    const status = this.taskStatus(t.statusId);
    const owner = this.user(t.ownerId);
    const assigned = this.user(t.assignedTo);
    const story = t.userStoryId === null ? undefined : this.story(t.userStoryId);
    return {
      custom_attributes_values: {},
      id: t.id,
      ref: t.ref,
      created_date: taigaDate(t.createdDate),
      modified_date: taigaDate(t.modifiedDate),
      finished_date: taigaDate(t.finishedDate),
      due_date: t.dueDate,
      due_date_reason: t.dueDateReason,
      subject: t.subject,
      us_order: t.usOrder,
      taskboard_order: t.taskboardOrder,
      is_iocaine: t.isIocaine,
      external_reference: t.externalReference,
      watchers: [...t.watchers],
      is_blocked: t.isBlocked,
      blocked_note: t.blockedNote,
      description: t.description,
      tags: [...t.tags],
      permalink: this.permalink(`/project/${this.project.slug}/task/${t.ref}`),
      project: this.hookProject(),
      owner: owner ? this.hookUser(owner) : null,
      assigned_to: assigned ? this.hookUser(assigned) : null,
      status: status
        ? { id: status.id, name: status.name, slug: status.slug, color: status.color, is_closed: status.isClosed }
        : null,
      user_story: story ? this.hookStory(story) : null,
      milestone: null,
      promoted_to: [],
    };
  }
}
