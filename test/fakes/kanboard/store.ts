import { parseKanboardDate, sqlLike } from './php';

/**
 * The fake Kanboard's in-memory database and models. Table and row shapes
 * follow Kanboard's schema (app/Schema/Sqlite.php) and model behaviour
 * (app/Model/*), so the JSON the procedures return has the real field names,
 * types and quirks. Nothing here is Kanboard's code; it mimics what it does.
 */

export type AppRole = 'app-admin' | 'app-manager' | 'app-user';
export type ProjectRole = 'project-manager' | 'project-member' | 'project-viewer';

export interface UserRow {
  id: number;
  username: string;
  password: string;
  name: string;
  email: string;
  role: AppRole;
  is_active: number;
  api_access_token: string | null;
  timezone: string | null;
}

export interface ProjectRow {
  id: number;
  name: string;
  is_active: number;
  token: string;
  last_modified: number;
  is_public: number;
  is_private: number;
  is_everybody_allowed: number;
  default_swimlane: string;
  show_default_swimlane: number;
  description: string | null;
  identifier: string;
  start_date: string;
  end_date: string;
  owner_id: number;
  priority_default: number;
  priority_start: number;
  priority_end: number;
  email: string | null;
  predefined_email_subjects: string | null;
  per_swimlane_task_limits: number;
  task_limit: number;
  enable_global_tags: number;
}

export interface ColumnRow {
  id: number;
  title: string;
  position: number;
  project_id: number;
  task_limit: number;
  description: string;
  hide_in_dashboard: number;
}

export interface SwimlaneRow {
  id: number;
  name: string;
  position: number;
  is_active: number;
  project_id: number;
}

/** The `tasks` table, columns in schema order (getTask and getAllTasks return rows like this). */
export interface TaskRow {
  id: number;
  title: string;
  description: string;
  date_creation: number;
  color_id: string;
  project_id: number;
  column_id: number;
  owner_id: number;
  position: number;
  is_active: number;
  date_completed: number | null;
  score: number;
  date_due: number;
  category_id: number;
  creator_id: number;
  date_modification: number;
  reference: string;
  date_started: number;
  time_spent: number | null;
  time_estimated: number | null;
  swimlane_id: number;
  date_moved: number;
  recurrence_status: number;
  recurrence_trigger: number;
  recurrence_factor: number;
  recurrence_timeframe: number;
  recurrence_basedate: number;
  recurrence_parent: number | null;
  recurrence_child: number | null;
  priority: number;
  external_provider: string | null;
  external_uri: string | null;
}

export interface TagRow {
  id: number;
  name: string;
  project_id: number;
  color_id: string | null;
}

export interface LinkRow {
  id: number;
  label: string;
  opposite_id: number;
}

export interface TaskLinkRow {
  id: number;
  link_id: number;
  task_id: number;
  opposite_task_id: number;
}

export interface CommentRow {
  id: number;
  task_id: number;
  user_id: number;
  date_creation: number;
  date_modification: number;
  comment: string;
  reference: string;
  visibility: AppRole;
}

/** One event as Kanboard's dispatcher would raise it; the server turns these into webhook posts. */
export interface KanboardEvent {
  name: string;
  data: Record<string, unknown>;
  author: string | null;
}

const DEFAULT_COLUMNS = ['Backlog', 'Ready', 'Work in progress', 'Done'];
const DEFAULT_LINKS: [string, number][] = [
  ['relates to', 0],
  ['blocks', 3],
  ['is blocked by', 2],
  ['duplicates', 5],
  ['is duplicated by', 4],
  ['is a child of', 7],
  ['is a parent of', 6],
  ['targets milestone', 9],
  ['is a milestone of', 8],
  ['fixes', 11],
  ['is fixed by', 10],
];

/** Values as PHP compares them in array_diff_assoc: by their string form. */
const same = (a: unknown, b: unknown): boolean => String(a ?? '') === String(b ?? '');

export interface StoreOptions {
  /** Epoch seconds on the board's clock. */
  now(): number;
  timeZone(): string;
}

/** The session a call runs in: the application token (no user) or a logged-in user. */
export interface Session {
  user: UserRow | null;
}

export class KanboardStore {
  users: UserRow[] = [];
  projects: ProjectRow[] = [];
  columns: ColumnRow[] = [];
  swimlanes: SwimlaneRow[] = [];
  tasks: TaskRow[] = [];
  tags: TagRow[] = [];
  taskTags: { task_id: number; tag_id: number }[] = [];
  metadata = new Map<number, Map<string, { value: string; changed_by: number; changed_on: number }>>();
  links: LinkRow[] = DEFAULT_LINKS.map(([label, opposite_id], i) => ({ id: i + 1, label, opposite_id }));
  taskLinks: TaskLinkRow[] = [];
  comments: CommentRow[] = [];
  members: { project_id: number; user_id: number; role: ProjectRole }[] = [];
  /**
   * Automatic actions, as ActionModel::getAllByProject lists them (params as a name => value object). The fake
   * does not run them; Deckhand only asks whether a project has any.
   */
  actions: {
    id: number;
    project_id: number;
    event_name: string;
    action_name: string;
    params: Record<string, string>;
  }[] = [];
  /** Raised by the current call; the server drains them into webhook posts before it answers. */
  events: KanboardEvent[] = [];
  private seq = new Map<string, number>();

  constructor(private readonly opts: StoreOptions) {
    this.addUser({ username: 'admin', password: 'admin', role: 'app-admin' });
  }

  now(): number {
    return this.opts.now();
  }

  timeZone(): string {
    return this.opts.timeZone();
  }

  /** ColumnModel::create: the next position in the project. */
  addColumn(projectId: number, title: string, taskLimit = 0, description = ''): number {
    const position = Math.max(0, ...this.projectColumns(projectId).map((c) => c.position)) + 1;
    const id = this.nextId('columns');
    this.columns.push({
      id,
      title,
      position,
      project_id: projectId,
      task_limit: taskLimit,
      description,
      hide_in_dashboard: 0,
    });
    return id;
  }

  private nextId(table: string): number {
    const id = (this.seq.get(table) ?? 0) + 1;
    this.seq.set(table, id);
    return id;
  }

  // ---- setup ----

  addUser(input: {
    username: string;
    password?: string;
    name?: string;
    role?: AppRole;
    token?: string;
    active?: boolean;
  }): UserRow {
    const user: UserRow = {
      id: this.nextId('users'),
      username: input.username,
      password: input.password ?? `${input.username}-password`,
      name: input.name ?? '',
      email: '',
      role: input.role ?? 'app-user',
      is_active: input.active === false ? 0 : 1,
      api_access_token: input.token ?? null,
      timezone: null,
    };
    this.users.push(user);
    return user;
  }

  addProject(input: { name: string; columns?: string[]; priorityStart?: number; priorityEnd?: number }): ProjectRow {
    const id = this.nextId('projects');
    const project: ProjectRow = {
      id,
      name: input.name,
      is_active: 1,
      token: '',
      last_modified: this.now(),
      is_public: 0,
      is_private: 0,
      is_everybody_allowed: 0,
      default_swimlane: 'Default swimlane',
      show_default_swimlane: 1,
      description: null,
      identifier: '',
      start_date: '',
      end_date: '',
      owner_id: 0,
      priority_default: input.priorityStart ?? 0,
      priority_start: input.priorityStart ?? 0,
      priority_end: input.priorityEnd ?? 3,
      email: null,
      predefined_email_subjects: null,
      per_swimlane_task_limits: 0,
      task_limit: 0,
      enable_global_tags: 1,
    };
    this.projects.push(project);
    (input.columns ?? DEFAULT_COLUMNS).forEach((title, i) => {
      this.columns.push({
        id: this.nextId('columns'),
        title,
        position: i + 1,
        project_id: id,
        task_limit: 0,
        description: '',
        hide_in_dashboard: 0,
      });
    });
    this.swimlanes.push({
      id: this.nextId('swimlanes'),
      name: 'Default swimlane',
      position: 1,
      is_active: 1,
      project_id: id,
    });
    return project;
  }

  addMember(projectId: number, userId: number, role: ProjectRole = 'project-member'): void {
    this.members = this.members.filter((m) => !(m.project_id === projectId && m.user_id === userId));
    this.members.push({ project_id: projectId, user_id: userId, role });
  }

  // ---- lookups ----

  user(id: number): UserRow | undefined {
    return this.users.find((u) => u.id === id);
  }

  userByName(username: string): UserRow | undefined {
    return this.users.find((u) => u.username === username);
  }

  project(id: number): ProjectRow | undefined {
    return this.projects.find((p) => p.id === id);
  }

  column(id: number): ColumnRow | undefined {
    return this.columns.find((c) => c.id === id);
  }

  projectColumns(projectId: number): ColumnRow[] {
    return this.columns.filter((c) => c.project_id === projectId).sort((a, b) => a.position - b.position);
  }

  swimlane(id: number): SwimlaneRow | undefined {
    return this.swimlanes.find((s) => s.id === id);
  }

  task(id: number): TaskRow | undefined {
    return this.tasks.find((t) => t.id === id);
  }

  link(id: number): LinkRow | undefined {
    return this.links.find((l) => l.id === id);
  }

  roleIn(projectId: number, userId: number): ProjectRole | null {
    return this.members.find((m) => m.project_id === projectId && m.user_id === userId)?.role ?? null;
  }

  /** getFullname: the display name, else the username. */
  fullName(user: UserRow | undefined): string {
    return user ? user.name || user.username : '';
  }

  assignableUsers(projectId: number): UserRow[] {
    return this.members
      .filter((m) => m.project_id === projectId && m.role !== 'project-viewer')
      .map((m) => this.user(m.user_id))
      .filter((u): u is UserRow => u !== undefined && u.is_active === 1);
  }

  isAssignable(projectId: number, userId: number): boolean {
    return this.assignableUsers(projectId).some((u) => u.id === userId);
  }

  /** TaskFinderModel::getDetails, the `task` of webhook payloads. */
  details(task: TaskRow): Record<string, unknown> {
    const assignee = this.user(task.owner_id);
    const creator = this.user(task.creator_id);
    const column = this.column(task.column_id);
    return {
      ...task,
      category_name: null,
      swimlane_name: this.swimlane(task.swimlane_id)?.name ?? null,
      project_name: this.project(task.project_id)?.name ?? null,
      column_title: column?.title ?? null,
      assignee_username: assignee?.username ?? null,
      assignee_name: assignee ? assignee.name : null,
      creator_username: creator?.username ?? null,
      creator_name: creator ? creator.name : null,
      category_description: null,
      column_position: column?.position ?? null,
    };
  }

  /** TaskFinderModel::getExtendedQuery, the rows of searchTasks. */
  extended(task: TaskRow): Record<string, unknown> {
    const assignee = this.user(task.owner_id);
    const column = this.column(task.column_id);
    const isMilestone = this.taskLinks.some(
      (l) => l.task_id === task.id && this.link(l.link_id)?.label === 'is a milestone of',
    );
    return {
      nb_comments: this.comments.filter((c) => c.task_id === task.id).length,
      nb_files: 0,
      nb_subtasks: 0,
      nb_completed_subtasks: 0,
      nb_links: this.taskLinks.filter((l) => l.task_id === task.id).length,
      nb_external_links: 0,
      is_milestone: isMilestone ? 1 : null,
      id: task.id,
      reference: task.reference,
      title: task.title,
      description: task.description,
      date_creation: task.date_creation,
      date_modification: task.date_modification,
      date_completed: task.date_completed,
      date_started: task.date_started,
      date_due: task.date_due,
      color_id: task.color_id,
      project_id: task.project_id,
      column_id: task.column_id,
      swimlane_id: task.swimlane_id,
      owner_id: task.owner_id,
      creator_id: task.creator_id,
      position: task.position,
      is_active: task.is_active,
      score: task.score,
      category_id: task.category_id,
      priority: task.priority,
      date_moved: task.date_moved,
      recurrence_status: task.recurrence_status,
      recurrence_trigger: task.recurrence_trigger,
      recurrence_factor: task.recurrence_factor,
      recurrence_timeframe: task.recurrence_timeframe,
      recurrence_basedate: task.recurrence_basedate,
      recurrence_parent: task.recurrence_parent,
      recurrence_child: task.recurrence_child,
      time_estimated: task.time_estimated,
      time_spent: task.time_spent,
      assignee_username: assignee?.username ?? null,
      assignee_name: assignee ? assignee.name : null,
      assignee_email: assignee ? assignee.email : null,
      assignee_avatar_path: null,
      category_name: null,
      category_description: null,
      category_color_id: null,
      column_name: column?.title ?? null,
      column_position: column?.position ?? null,
      swimlane_name: this.swimlane(task.swimlane_id)?.name ?? null,
      project_name: this.project(task.project_id)?.name ?? null,
    };
  }

  private emit(name: string, data: Record<string, unknown>, session: Session): void {
    this.events.push({ name, data, author: session.user?.username ?? null });
  }

  private taskEvent(
    names: string[],
    taskId: number,
    session: Session,
    changes?: Record<string, unknown>,
    values: Record<string, unknown> = {},
    before?: TaskRow,
  ): void {
    const task = this.task(taskId);
    if (!task) return;
    // ProjectModificationDateSubscriber: every task event it listens to (create, update, assignee, open, close and
    // moves; none for comments, tags-only or metadata writes) stamps the project's last_modified, whoever is logged in.
    const project = this.projects.find((p) => p.id === task.project_id);
    if (project) project.last_modified = this.now();
    const data: Record<string, unknown> = { task_id: taskId, task: this.details(task) };
    if (changes && Object.keys(changes).length > 0) {
      const diff = Object.fromEntries(
        Object.entries(changes).filter(([k, v]) => !same(v, (before ?? task)[k as keyof TaskRow])),
      );
      delete diff.date_modification;
      data.changes = diff;
    }
    Object.assign(data, values);
    for (const name of names) this.emit(name, data, session);
  }

  // ---- dates ----

  /** DateParser::getTimestamp for task dates; null when the value is not a date Kanboard accepts. */
  parseDate(value: unknown): number | null {
    if (value === '' || value === null || value === undefined || value === 0 || value === '0') return 0;
    if (typeof value === 'number' && Number.isInteger(value)) return null;
    return parseKanboardDate(String(value), this.timeZone(), this.now());
  }

  // ---- tasks ----

  /** TaskCreationModel::create after the API's checks; returns the id, or 0 when the insert fails. */
  createTask(
    values: Partial<TaskRow> & { title: string; project_id: number; tags?: string[] },
    session: Session,
  ): number {
    const project = this.project(values.project_id);
    if (!project) return 0;
    const columnId = values.column_id || this.projectColumns(project.id)[0]?.id || 0;
    if (!this.column(columnId)) return 0;
    const swimlaneId =
      values.swimlane_id || this.swimlanes.find((s) => s.project_id === project.id && s.is_active === 1)?.id || 0;
    const now = this.now();
    const task: TaskRow = {
      id: this.nextId('tasks'),
      title: values.title === '' ? 'Untitled' : values.title,
      description: values.description ?? '',
      date_creation: now,
      color_id: values.color_id || 'yellow',
      project_id: project.id,
      column_id: columnId,
      owner_id: values.owner_id || 0,
      position:
        this.tasks.filter((t) => t.column_id === columnId && t.swimlane_id === swimlaneId && t.is_active === 1).length +
        1,
      is_active: 1,
      date_completed: null,
      score: values.score || 0,
      date_due: values.date_due || 0,
      category_id: values.category_id || 0,
      creator_id: values.creator_id || session.user?.id || 0,
      date_modification: now,
      reference: values.reference ?? '',
      date_started: values.date_started || 0,
      time_spent: values.time_spent ?? null,
      time_estimated: values.time_estimated ?? null,
      swimlane_id: swimlaneId,
      date_moved: now,
      recurrence_status: 0,
      recurrence_trigger: 0,
      recurrence_factor: 0,
      recurrence_timeframe: 0,
      recurrence_basedate: 0,
      recurrence_parent: null,
      recurrence_child: null,
      priority: values.priority ?? 0,
      external_provider: null,
      external_uri: null,
    };
    this.tasks.push(task);
    if (values.tags && values.tags.length > 0) this.saveTags(project.id, task.id, values.tags);
    this.taskEvent(['task.create'], task.id, session);
    return task.id;
  }

  /** TaskModificationModel::update: tags, then the row (date_modification always moves), then events. */
  updateTask(id: number, values: Record<string, unknown>, session: Session): boolean {
    const task = this.task(id);
    if (!task) return false;
    const before = { ...task };
    if (Array.isArray(values.tags)) this.saveTags(task.project_id, id, values.tags.map(String));
    const changes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      if (key === 'tags' || key === 'id') continue;
      let v = value;
      if (key === 'date_due' || key === 'date_started') v = value === '' ? 0 : this.parseDate(value);
      if (['score', 'category_id', 'time_estimated', 'time_spent'].includes(key) && !v) v = 0;
      if (key === 'priority') v = Math.trunc(Number(v));
      changes[key] = v;
    }
    changes.date_modification = this.now();
    Object.assign(task, changes);
    const diff = Object.keys(changes).filter(
      (k) => k !== 'date_modification' && !same(changes[k], before[k as keyof TaskRow]),
    );
    if ('owner_id' in changes && !same(changes.owner_id, before.owner_id) && diff.length === 1) {
      this.taskEvent(['task.assignee_change'], id, session, changes, {}, before);
    } else if (diff.length > 0) {
      this.taskEvent(['task.update'], id, session, changes, {}, before);
    }
    return true;
  }

  /** TaskPositionModel::movePosition as the API calls it (closed tasks move too). */
  moveTask(id: number, columnId: number, position: number, swimlaneId: number, session: Session): boolean {
    if (position < 1) return false;
    const task = this.task(id);
    if (!task) return false;
    const swimlane = swimlaneId === 0 ? task.swimlane_id : swimlaneId;
    const before = { ...task };
    if (task.swimlane_id === swimlane && task.column_id === columnId && task.position === position) return false;
    if (!this.column(columnId)) return false;
    const siblings = this.tasks
      .filter((t) => t.is_active === 1 && t.swimlane_id === swimlane && t.column_id === columnId && t.id !== id)
      .sort((a, b) => a.position - b.position || a.id - b.id);
    let offset = 1;
    let placed = false;
    for (const sibling of siblings) {
      if (position === offset) {
        Object.assign(task, { position: offset, column_id: columnId, swimlane_id: swimlane });
        placed = true;
        offset++;
      }
      sibling.position = offset++;
    }
    if (!placed) Object.assign(task, { position: offset, column_id: columnId, swimlane_id: swimlane });
    if (before.column_id !== columnId || before.swimlane_id !== swimlane) {
      task.date_moved = this.now();
      task.date_modification = this.now();
    }
    const changes = {
      project_id: task.project_id,
      position,
      column_id: columnId,
      swimlane_id: swimlane,
      src_column_id: before.column_id,
      dst_column_id: columnId,
      date_moved: before.date_moved,
      recurrence_status: before.recurrence_status,
      recurrence_trigger: before.recurrence_trigger,
    };
    const event =
      before.swimlane_id !== swimlane
        ? 'task.move.swimlane'
        : before.column_id !== columnId
          ? 'task.move.column'
          : 'task.move.position';
    // Move events diff their changes against the task as it is after the move (TaskEventBuilder gets no original).
    this.taskEvent([event], id, session, changes, changes);
    if (event === 'task.move.swimlane' && before.column_id !== columnId) {
      this.taskEvent(['task.move.column'], id, session, changes, changes);
    }
    return true;
  }

  setStatus(id: number, open: boolean, session: Session): boolean {
    const task = this.task(id);
    if (!task) return false;
    task.is_active = open ? 1 : 0;
    task.date_completed = open ? 0 : this.now();
    task.date_modification = this.now();
    this.taskEvent([open ? 'task.open' : 'task.close'], id, session);
    return true;
  }

  /** TaskModel::remove: no event reaches webhooks for a deleted task. */
  removeTask(id: number): boolean {
    if (!this.task(id)) return false;
    this.tasks = this.tasks.filter((t) => t.id !== id);
    this.taskTags = this.taskTags.filter((t) => t.task_id !== id);
    this.metadata.delete(id);
    this.taskLinks = this.taskLinks.filter((l) => l.task_id !== id && l.opposite_task_id !== id);
    this.comments = this.comments.filter((c) => c.task_id !== id);
    return true;
  }

  // ---- tags ----

  tagList(taskId: number): Record<string, string> {
    const out: Record<string, string> = {};
    for (const link of this.taskTags.filter((t) => t.task_id === taskId).sort((a, b) => a.tag_id - b.tag_id)) {
      const tag = this.tags.find((t) => t.id === link.tag_id);
      if (tag) out[String(tag.id)] = tag.name;
    }
    return out;
  }

  /** TaskTagModel::save: names match existing tags case-insensitively (global tags first). */
  saveTags(projectId: number, taskId: number, names: string[]): boolean {
    const current = this.tagList(taskId);
    const wanted = names.filter((n) => n !== '' && n !== '0');
    for (const name of wanted) {
      let tag = this.tags
        .filter((t) => (t.project_id === 0 || t.project_id === projectId) && sqlLike(t.name, name))
        .sort((a, b) => a.project_id - b.project_id)[0];
      if (!tag) {
        tag = { id: this.nextId('tags'), name, project_id: projectId, color_id: null };
        this.tags.push(tag);
      }
      if (!(String(tag.id) in current)) this.taskTags.push({ task_id: taskId, tag_id: tag.id });
    }
    for (const [tagId, name] of Object.entries(current)) {
      if (!wanted.includes(name)) {
        this.taskTags = this.taskTags.filter((t) => !(t.task_id === taskId && t.tag_id === Number(tagId)));
      }
    }
    return true;
  }

  // ---- metadata ----

  metadataOf(taskId: number): Record<string, string> {
    const entries = [...(this.metadata.get(taskId) ?? new Map()).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    return Object.fromEntries(entries.map(([name, v]) => [name, v.value]));
  }

  saveMetadata(taskId: number, values: Record<string, unknown>, session: Session): boolean {
    if (!this.task(taskId)) return false;
    const map = this.metadata.get(taskId) ?? new Map();
    for (const [name, value] of Object.entries(values)) {
      map.set(name, { value: String(value ?? ''), changed_by: session.user?.id ?? 0, changed_on: this.now() });
    }
    this.metadata.set(taskId, map);
    return true;
  }

  // ---- internal links ----

  oppositeLinkId(linkId: number): number {
    return this.link(linkId)?.opposite_id || linkId;
  }

  /** TaskLinkModel::create: both directions in one transaction, an event for each. */
  createTaskLink(taskId: number, oppositeId: number, linkId: number, session: Session): number | false {
    if (!this.task(taskId) || !this.task(oppositeId) || !this.link(linkId)) return false;
    const opposite = this.oppositeLinkId(linkId);
    const exists = (a: number, b: number, l: number): boolean =>
      this.taskLinks.some((r) => r.task_id === a && r.opposite_task_id === b && r.link_id === l);
    if (exists(taskId, oppositeId, linkId) || exists(oppositeId, taskId, opposite)) return false;
    const first: TaskLinkRow = {
      id: this.nextId('task_has_links'),
      link_id: linkId,
      task_id: taskId,
      opposite_task_id: oppositeId,
    };
    this.taskLinks.push(first);
    const second: TaskLinkRow = {
      id: this.nextId('task_has_links'),
      link_id: opposite,
      task_id: oppositeId,
      opposite_task_id: taskId,
    };
    this.taskLinks.push(second);
    for (const row of [first, second]) this.linkEvent('task_internal_link.create_update', row, session);
    return first.id;
  }

  taskLinkById(id: number): Record<string, unknown> | null {
    const row = this.taskLinks.find((l) => l.id === id);
    if (!row) return null;
    const link = this.link(row.link_id);
    return {
      id: row.id,
      opposite_task_id: row.opposite_task_id,
      task_id: row.task_id,
      link_id: row.link_id,
      label: link?.label ?? null,
      opposite_link_id: link?.opposite_id ?? null,
    };
  }

  private linkEvent(name: string, row: TaskLinkRow, session: Session): void {
    const task = this.task(row.task_id);
    if (!task) return;
    this.emit(name, { task_link: this.taskLinkById(row.id), task: this.details(task) }, session);
  }

  /** TaskLinkModel::remove: the delete event first, then both directions. */
  removeTaskLink(id: number, session: Session): boolean {
    const row = this.taskLinks.find((l) => l.id === id);
    if (!row) return true;
    this.linkEvent('task_internal_link.delete', row, session);
    const opposite = this.oppositeLinkId(row.link_id);
    this.taskLinks = this.taskLinks.filter(
      (l) =>
        l.id !== id &&
        !(l.task_id === row.opposite_task_id && l.opposite_task_id === row.task_id && l.link_id === opposite),
    );
    return true;
  }

  /** TaskLinkModel::getAll: `task_id` is the other task. */
  taskLinksOf(taskId: number): Record<string, unknown>[] {
    return this.taskLinks
      .filter((l) => l.task_id === taskId)
      .map((l) => ({ row: l, other: this.task(l.opposite_task_id) }))
      .sort((a, b) => {
        const ca = a.other ? (this.column(a.other.column_id)?.position ?? 0) : 0;
        const cb = b.other ? (this.column(b.other.column_id)?.position ?? 0) : 0;
        return (
          a.row.link_id - b.row.link_id ||
          cb - ca ||
          (b.other?.is_active ?? 0) - (a.other?.is_active ?? 0) ||
          (a.other?.position ?? 0) - (b.other?.position ?? 0) ||
          (a.other?.id ?? 0) - (b.other?.id ?? 0)
        );
      })
      .map(({ row, other }) => {
        const assignee = other ? this.user(other.owner_id) : undefined;
        return {
          id: row.id,
          task_id: row.opposite_task_id,
          label: this.link(row.link_id)?.label ?? null,
          title: other?.title ?? null,
          is_active: other?.is_active ?? null,
          project_id: other?.project_id ?? null,
          column_id: other?.column_id ?? null,
          color_id: other?.color_id ?? null,
          date_completed: other?.date_completed ?? null,
          date_started: other?.date_started ?? null,
          date_due: other?.date_due ?? null,
          task_time_spent: other?.time_spent ?? null,
          task_time_estimated: other?.time_estimated ?? null,
          task_assignee_id: other?.owner_id ?? null,
          task_assignee_username: assignee?.username ?? null,
          task_assignee_name: assignee ? assignee.name : null,
          column_title: other ? (this.column(other.column_id)?.title ?? null) : null,
          project_name: other ? (this.project(other.project_id)?.name ?? null) : null,
        };
      });
  }

  // ---- comments ----

  commentRow(comment: CommentRow, withReference: boolean): Record<string, unknown> {
    const user = this.user(comment.user_id);
    return {
      id: comment.id,
      ...(withReference ? { task_id: comment.task_id, user_id: comment.user_id } : {}),
      date_creation: comment.date_creation,
      date_modification: comment.date_modification,
      ...(withReference
        ? { comment: comment.comment, reference: comment.reference }
        : { task_id: comment.task_id, user_id: comment.user_id, comment: comment.comment }),
      visibility: comment.visibility,
      username: user?.username ?? null,
      name: user ? user.name : null,
      email: user ? user.email : null,
      avatar_path: null,
    };
  }

  comment(id: number): CommentRow | undefined {
    return this.comments.find((c) => c.id === id);
  }

  createComment(
    values: Omit<CommentRow, 'id' | 'date_creation' | 'date_modification'>,
    session: Session,
  ): number | false {
    if (!this.task(values.task_id)) return false;
    const now = this.now();
    const row: CommentRow = { id: this.nextId('comments'), ...values, date_creation: now, date_modification: now };
    this.comments.push(row);
    this.commentEvent('comment.create', row, session);
    return row.id;
  }

  /** CommentModel::update: true even when no such comment (the UPDATE simply matches nothing). */
  updateComment(id: number, content: string, session: Session): boolean {
    const row = this.comment(id);
    if (row) {
      row.comment = content;
      row.date_modification = this.now();
      this.commentEvent('comment.update', row, session);
    }
    return true;
  }

  removeComment(id: number, session: Session): boolean {
    const row = this.comment(id);
    if (row) this.commentEvent('comment.delete', row, session);
    this.comments = this.comments.filter((c) => c.id !== id);
    return true;
  }

  private commentEvent(name: string, row: CommentRow, session: Session): void {
    const task = this.task(row.task_id);
    if (!task) return;
    this.emit(name, { comment: this.commentRow(row, true), task: this.details(task) }, session);
  }
}
