import { searchTasks } from './search';
import type { KanboardStore, ProjectRole, Session, TaskRow } from './store';

/**
 * The JSON-RPC procedures the fake serves, with Kanboard's parameter names and
 * defaults (app/Api/Procedure/*.php), its authorization rules
 * (app/Api/Authorization/*, AuthenticationProvider's API access maps) and its
 * answers: `false` for most refusals, `null` for missing rows, objects where
 * PHP casts arrays with `(object)`.
 */

/** Kanboard's AccessDeniedException: the whole HTTP request answers 403. */
export class AccessDenied extends Error {}
/** InvalidArgumentException: JSON-RPC -32602 "Invalid params". */
export class InvalidParams extends Error {}

export interface CallContext {
  store: KanboardStore;
  session: Session;
  /** For the `url` fields of tasks and projects. */
  baseUrl: string;
}

type Param = readonly [name: string] | readonly [name: string, fallback: unknown];

export interface Procedure {
  /** The procedure class, for the access maps. */
  className: string;
  params: readonly Param[];
  run(ctx: CallContext, args: Record<string, unknown>): unknown;
}

const MANAGER_ONLY = new Set([
  'ColumnProcedure.addColumn',
  'ColumnProcedure.removeColumn',
  'ProjectProcedure.updateProject',
  'ProjectProcedure.removeProject',
  // AuthenticationProvider::getApiAccessMap: ActionProcedure removeAction, getActions, createAction need a manager.
  'ActionProcedure.getActions',
]);
const MEMBER_ONLY = new Set([
  'CommentProcedure.createComment',
  'CommentProcedure.updateComment',
  'CommentProcedure.removeComment',
  'TaskLinkProcedure.createTaskLink',
  'TaskLinkProcedure.removeTaskLink',
  'TaskProcedure.openTask',
  'TaskProcedure.closeTask',
  'TaskProcedure.removeTask',
  'TaskProcedure.moveTaskPosition',
  'TaskProcedure.createTask',
  'TaskProcedure.updateTask',
  'TaskTagProcedure.setTaskTags',
  'TaskMetadataProcedure.saveTaskMetadata',
  'TaskMetadataProcedure.removeTaskMetadata',
]);
const RANK: Record<ProjectRole, number> = { 'project-viewer': 1, 'project-member': 2, 'project-manager': 3 };

/** ProjectAuthorization: only checked for users; the application token has full access. */
function checkProject(ctx: CallContext, className: string, method: string, projectId: number): void {
  const user = ctx.session.user;
  if (!user) return;
  if (!projectId) throw new AccessDenied('Project Not Found');
  const role = ctx.store.roleIn(projectId, user.id);
  const needed = MANAGER_ONLY.has(`${className}.${method}`) ? 3 : MEMBER_ONLY.has(`${className}.${method}`) ? 2 : 1;
  if (!role || RANK[role] < needed) throw new AccessDenied('Project Access Denied');
}

function checkTask(ctx: CallContext, className: string, method: string, taskId: unknown): void {
  if (ctx.session.user) checkProject(ctx, className, method, ctx.store.task(Number(taskId))?.project_id ?? 0);
}

const int = (v: unknown): number => Math.trunc(Number(v)) || 0;
/** SimpleValidator's Integer: empty passes, otherwise an optional sign and digits. */
const isIntegerish = (v: unknown): boolean => v === undefined || v === null || v === '' || /^-?\d+$/.test(String(v));

const COLORS: Record<string, { name: string; background: string; border: string }> = {
  yellow: { name: 'Yellow', background: 'rgb(245, 247, 196)', border: 'rgb(223, 227, 45)' },
};

function formatTask(ctx: CallContext, task: TaskRow | undefined): unknown {
  if (!task) return null;
  return {
    ...task,
    url: `${ctx.baseUrl}/?controller=TaskViewController&action=show&task_id=${task.id}`,
    color: COLORS[task.color_id] ?? COLORS.yellow,
  };
}

function formatProject(ctx: CallContext, projectId: number): unknown {
  const project = ctx.store.project(projectId);
  if (!project) return null;
  return {
    ...project,
    url: {
      board: `${ctx.baseUrl}/?controller=BoardViewController&action=show&project_id=${project.id}`,
      list: `${ctx.baseUrl}/?controller=TaskListController&action=show&project_id=${project.id}`,
    },
  };
}

function meRow(ctx: CallContext): unknown {
  const u = ctx.session.user!;
  return {
    id: u.id,
    username: u.username,
    is_ldap_user: false,
    name: u.name,
    email: u.email,
    google_id: null,
    github_id: null,
    notifications_enabled: 0,
    timezone: u.timezone,
    language: null,
    disable_login_form: 0,
    twofactor_activated: false,
    twofactor_secret: null,
    token: '',
    notifications_filter: 4,
    nb_failed_login: 0,
    lock_expiration_date: 0,
    gitlab_id: null,
    role: u.role,
    is_active: u.is_active,
    avatar_path: null,
    api_access_token: u.api_access_token,
    filter: null,
    theme: 'light',
  };
}

function userRow(ctx: CallContext, username: unknown): unknown {
  const u = ctx.store.userByName(String(username));
  if (!u) return null;
  return {
    id: u.id,
    username: u.username,
    password: '$2y$10$fakefakefakefakefakefuBcryptHashOfAPasswordForTheFakeOnly',
    is_admin: u.role === 'app-admin' ? 1 : 0,
    is_ldap_user: 0,
    name: u.name,
    email: u.email,
    google_id: null,
    github_id: null,
    notifications_enabled: 0,
    timezone: u.timezone,
    language: null,
    disable_login_form: 0,
    twofactor_activated: 0,
    twofactor_secret: null,
    token: '',
    notifications_filter: 4,
    nb_failed_login: 0,
    lock_expiration_date: 0,
    is_project_admin: 0,
    gitlab_id: null,
    role: u.role,
    is_active: u.is_active,
    avatar_path: null,
    api_access_token: u.api_access_token,
    filter: null,
    theme: 'light',
  };
}

/** The task fields the API validates (TaskValidator's common rules that clients hit). */
function validTaskValues(ctx: CallContext, values: Record<string, unknown>): boolean {
  for (const key of [
    'id',
    'project_id',
    'column_id',
    'owner_id',
    'creator_id',
    'score',
    'category_id',
    'swimlane_id',
    'priority',
  ]) {
    if (!isIntegerish(values[key])) return false;
  }
  if (values.swimlane_id !== undefined && values.swimlane_id !== null && int(values.swimlane_id) <= 0) return false;
  if (typeof values.reference === 'string' && values.reference.length > 191) return false;
  for (const key of ['date_due', 'date_started']) {
    const v = values[key];
    if (v !== undefined && v !== null && v !== '' && v !== 0 && ctx.store.parseDate(v) === null) return false;
  }
  return true;
}

const TASK_CREATE_PARAMS = [
  ['title'],
  ['project_id'],
  ['color_id', ''],
  ['column_id', 0],
  ['owner_id', 0],
  ['creator_id', 0],
  ['date_due', ''],
  ['description', ''],
  ['category_id', 0],
  ['score', 0],
  ['swimlane_id', null],
  ['priority', 0],
  ['recurrence_status', 0],
  ['recurrence_trigger', 0],
  ['recurrence_factor', 0],
  ['recurrence_timeframe', 0],
  ['recurrence_basedate', 0],
  ['reference', ''],
  ['tags', []],
  ['date_started', ''],
  ['time_spent', null],
  ['time_estimated', null],
] as const;

const TASK_UPDATE_FIELDS = [
  'title',
  'color_id',
  'owner_id',
  'date_due',
  'description',
  'category_id',
  'score',
  'priority',
  'recurrence_status',
  'recurrence_trigger',
  'recurrence_factor',
  'recurrence_timeframe',
  'recurrence_basedate',
  'reference',
  'tags',
  'date_started',
  'time_spent',
  'time_estimated',
] as const;

export const PROCEDURES: Record<string, Procedure> = {
  getVersion: { className: 'AppProcedure', params: [], run: () => 'fake.1.2.48' },
  getTimezone: {
    className: 'AppProcedure',
    params: [],
    run: (ctx) => ctx.session.user?.timezone || ctx.store.timeZone(),
  },
  getMe: { className: 'MeProcedure', params: [], run: (ctx) => meRow(ctx) },
  getMyProjectsList: {
    className: 'MeProcedure',
    params: [],
    run: (ctx) =>
      Object.fromEntries(
        ctx.store.members
          .filter((m) => m.user_id === ctx.session.user!.id)
          .map((m) => [String(m.project_id), ctx.store.project(m.project_id)?.name ?? '']),
      ),
  },

  getAllProjects: {
    className: 'ProjectProcedure',
    params: [],
    run: (ctx) => ctx.store.projects.map((p) => formatProject(ctx, p.id)),
  },
  getProjectById: {
    className: 'ProjectProcedure',
    params: [['project_id']],
    run: (ctx, a) => {
      checkProject(ctx, 'ProjectProcedure', 'getProjectById', int(a.project_id));
      return formatProject(ctx, int(a.project_id));
    },
  },
  getProjectByName: {
    className: 'ProjectProcedure',
    params: [['name']],
    run: (ctx, a) => {
      const project = ctx.store.projects.find((p) => p.name === String(a.name));
      if (!project) return false;
      checkProject(ctx, 'ProjectProcedure', 'getProjectByName', project.id);
      return formatProject(ctx, project.id);
    },
  },
  getColumns: {
    className: 'ColumnProcedure',
    params: [['project_id']],
    run: (ctx, a) => {
      checkProject(ctx, 'ColumnProcedure', 'getColumns', int(a.project_id));
      return ctx.store.projectColumns(int(a.project_id)).map((c) => ({ ...c }));
    },
  },
  getActions: {
    className: 'ActionProcedure',
    params: [['project_id']],
    run: (ctx, a) => {
      checkProject(ctx, 'ActionProcedure', 'getActions', int(a.project_id));
      return ctx.store.actions.filter((x) => x.project_id === int(a.project_id)).map((x) => ({ ...x }));
    },
  },
  // ColumnProcedure::addColumn → ColumnModel::create: appended after the last column; the new id, or false.
  addColumn: {
    className: 'ColumnProcedure',
    params: [['project_id'], ['title'], ['task_limit', 0], ['description', '']],
    run: (ctx, a) => {
      checkProject(ctx, 'ColumnProcedure', 'addColumn', int(a.project_id));
      if (!ctx.store.projects.some((p) => p.id === int(a.project_id)) || String(a.title ?? '') === '') return false;
      return ctx.store.addColumn(int(a.project_id), String(a.title), int(a.task_limit), String(a.description));
    },
  },
  getAllLinks: { className: 'LinkProcedure', params: [], run: (ctx) => ctx.store.links.map((l) => ({ ...l })) },

  getUserByName: { className: 'UserProcedure', params: [['username']], run: (ctx, a) => userRow(ctx, a.username) },
  getAssignableUsers: {
    className: 'ProjectPermissionProcedure',
    params: [['project_id'], ['prepend_unassigned', false]],
    run: (ctx, a) => {
      checkProject(ctx, 'ProjectPermissionProcedure', 'getAssignableUsers', int(a.project_id));
      const users = ctx.store.assignableUsers(int(a.project_id));
      const out: Record<string, string> = a.prepend_unassigned ? { '0': 'Unassigned' } : {};
      for (const u of users) out[String(u.id)] = ctx.store.fullName(u);
      return out;
    },
  },

  searchTasks: {
    className: 'TaskProcedure',
    params: [['project_id'], ['query']],
    run: (ctx, a) => {
      checkProject(ctx, 'TaskProcedure', 'searchTasks', int(a.project_id));
      return searchTasks(ctx.store, int(a.project_id), String(a.query ?? '')).map((t) => ctx.store.extended(t));
    },
  },
  getTask: {
    className: 'TaskProcedure',
    params: [['task_id']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskProcedure', 'getTask', a.task_id);
      return formatTask(ctx, ctx.store.task(int(a.task_id)));
    },
  },
  getTaskByReference: {
    className: 'TaskProcedure',
    params: [['project_id'], ['reference']],
    run: (ctx, a) => {
      checkProject(ctx, 'TaskProcedure', 'getTaskByReference', int(a.project_id));
      const task = ctx.store.tasks.find(
        (t) => t.project_id === int(a.project_id) && t.reference === String(a.reference),
      );
      return formatTask(ctx, task);
    },
  },
  getAllTasks: {
    className: 'TaskProcedure',
    params: [['project_id'], ['status_id', 1]],
    run: (ctx, a) => {
      checkProject(ctx, 'TaskProcedure', 'getAllTasks', int(a.project_id));
      return ctx.store.tasks
        .filter((t) => t.project_id === int(a.project_id) && t.is_active === int(a.status_id))
        .sort((x, y) => x.id - y.id)
        .map((t) => formatTask(ctx, t));
    },
  },
  createTask: {
    className: 'TaskProcedure',
    params: TASK_CREATE_PARAMS,
    run: (ctx, a) => {
      const projectId = int(a.project_id);
      checkProject(ctx, 'TaskProcedure', 'createTask', projectId);
      if (a.owner_id !== 0 && !ctx.store.isAssignable(projectId, int(a.owner_id))) return false;
      if (a.creator_id !== 0 && !ctx.store.isAssignable(projectId, int(a.creator_id))) return false;
      if (a.title === undefined || a.title === null || a.title === '' || !a.project_id) return false;
      if (!validTaskValues(ctx, a)) return false;
      return ctx.store.createTask(
        {
          title: String(a.title),
          project_id: projectId,
          color_id: String(a.color_id ?? ''),
          column_id: int(a.column_id),
          owner_id: int(a.owner_id),
          creator_id: int(a.creator_id),
          date_due: ctx.store.parseDate(a.date_due) ?? 0,
          description: String(a.description ?? ''),
          score: int(a.score),
          swimlane_id: int(a.swimlane_id),
          priority: int(a.priority),
          reference: String(a.reference ?? ''),
          tags: Array.isArray(a.tags) ? a.tags.map(String) : [],
          date_started: ctx.store.parseDate(a.date_started) ?? 0,
        },
        ctx.session,
      );
    },
  },
  updateTask: {
    className: 'TaskProcedure',
    params: [['id'], ...TASK_UPDATE_FIELDS.map((f) => [f, null] as const)],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskProcedure', 'updateTask', a.id);
      const task = ctx.store.task(int(a.id));
      if (!task) return false;
      if (a.owner_id !== null && a.owner_id !== undefined && int(a.owner_id) !== 0) {
        if (!ctx.store.isAssignable(task.project_id, int(a.owner_id))) return false;
      }
      const values: Record<string, unknown> = {};
      for (const field of TASK_UPDATE_FIELDS) if (a[field] !== null && a[field] !== undefined) values[field] = a[field];
      if (!validTaskValues(ctx, { id: a.id, ...values })) return false;
      return ctx.store.updateTask(task.id, values, ctx.session);
    },
  },
  moveTaskPosition: {
    className: 'TaskProcedure',
    params: [['project_id'], ['task_id'], ['column_id'], ['position'], ['swimlane_id']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskProcedure', 'moveTaskPosition', a.task_id);
      if ((ctx.store.task(int(a.task_id))?.project_id ?? 0) !== int(a.project_id)) return false;
      checkProject(ctx, 'TaskProcedure', 'moveTaskPosition', int(a.project_id));
      return ctx.store.moveTask(int(a.task_id), int(a.column_id), int(a.position), int(a.swimlane_id), ctx.session);
    },
  },
  openTask: {
    className: 'TaskProcedure',
    params: [['task_id']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskProcedure', 'openTask', a.task_id);
      return ctx.store.setStatus(int(a.task_id), true, ctx.session);
    },
  },
  closeTask: {
    className: 'TaskProcedure',
    params: [['task_id']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskProcedure', 'closeTask', a.task_id);
      return ctx.store.setStatus(int(a.task_id), false, ctx.session);
    },
  },
  removeTask: {
    className: 'TaskProcedure',
    params: [['task_id']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskProcedure', 'removeTask', a.task_id);
      return ctx.store.removeTask(int(a.task_id));
    },
  },

  getTaskTags: {
    className: 'TaskTagProcedure',
    params: [['task_id']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskTagProcedure', 'getTaskTags', a.task_id);
      return ctx.store.tagList(int(a.task_id));
    },
  },
  setTaskTags: {
    className: 'TaskTagProcedure',
    params: [['project_id'], ['task_id'], ['tags']],
    run: (ctx, a) => {
      checkProject(ctx, 'TaskTagProcedure', 'setTaskTags', int(a.project_id));
      checkTask(ctx, 'TaskTagProcedure', 'setTaskTags', a.task_id);
      if (!Array.isArray(a.tags)) throw new InvalidParams('tags must be an array');
      return ctx.store.saveTags(int(a.project_id), int(a.task_id), a.tags.map(String));
    },
  },

  getTaskMetadata: {
    className: 'TaskMetadataProcedure',
    params: [['task_id']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskMetadataProcedure', 'getTaskMetadata', a.task_id);
      return ctx.store.metadataOf(int(a.task_id));
    },
  },
  getTaskMetadataByName: {
    className: 'TaskMetadataProcedure',
    params: [['task_id'], ['name']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskMetadataProcedure', 'getTaskMetadataByName', a.task_id);
      // `value ?: ''`: PHP treats "0" as empty too.
      const value = ctx.store.metadataOf(int(a.task_id))[String(a.name)];
      return value && value !== '0' ? value : '';
    },
  },
  saveTaskMetadata: {
    className: 'TaskMetadataProcedure',
    params: [['task_id'], ['values']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskMetadataProcedure', 'saveTaskMetadata', a.task_id);
      if (typeof a.values !== 'object' || a.values === null) throw new InvalidParams('values must be an array');
      return ctx.store.saveMetadata(int(a.task_id), a.values as Record<string, unknown>, ctx.session);
    },
  },
  removeTaskMetadata: {
    className: 'TaskMetadataProcedure',
    params: [['task_id'], ['name']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskMetadataProcedure', 'removeTaskMetadata', a.task_id);
      ctx.store.metadata.get(int(a.task_id))?.delete(String(a.name));
      return true;
    },
  },

  getAllTaskLinks: {
    className: 'TaskLinkProcedure',
    params: [['task_id']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskLinkProcedure', 'getAllTaskLinks', a.task_id);
      return ctx.store.taskLinksOf(int(a.task_id));
    },
  },
  getTaskLinkById: {
    className: 'TaskLinkProcedure',
    params: [['task_link_id']],
    run: (ctx, a) => {
      const row = ctx.store.taskLinks.find((l) => l.id === int(a.task_link_id));
      checkTask(ctx, 'TaskLinkProcedure', 'getTaskLinkById', row?.task_id ?? 0);
      return ctx.store.taskLinkById(int(a.task_link_id)) ?? null;
    },
  },
  createTaskLink: {
    className: 'TaskLinkProcedure',
    params: [['task_id'], ['opposite_task_id'], ['link_id']],
    run: (ctx, a) => {
      checkTask(ctx, 'TaskLinkProcedure', 'createTaskLink', a.task_id);
      if (ctx.session.user) {
        const opposite = ctx.store.task(int(a.opposite_task_id));
        if (!opposite || !ctx.store.roleIn(opposite.project_id, ctx.session.user.id)) return false;
      }
      return ctx.store.createTaskLink(int(a.task_id), int(a.opposite_task_id), int(a.link_id), ctx.session);
    },
  },
  removeTaskLink: {
    className: 'TaskLinkProcedure',
    params: [['task_link_id']],
    run: (ctx, a) => {
      const row = ctx.store.taskLinks.find((l) => l.id === int(a.task_link_id));
      checkTask(ctx, 'TaskLinkProcedure', 'removeTaskLink', row?.task_id ?? 0);
      return ctx.store.removeTaskLink(int(a.task_link_id), ctx.session);
    },
  },

  getAllComments: {
    className: 'CommentProcedure',
    params: [['task_id']],
    run: (ctx, a) => {
      checkTask(ctx, 'CommentProcedure', 'getAllComments', a.task_id);
      const role = ctx.session.user?.role;
      return ctx.store.comments
        .filter((c) => c.task_id === int(a.task_id))
        .filter((c) => !(role === 'app-manager' && c.visibility === 'app-admin'))
        .filter((c) => !(role === 'app-user' && c.visibility !== 'app-user'))
        .sort((x, y) => x.date_creation - y.date_creation || x.id - y.id)
        .map((c) => ctx.store.commentRow(c, false));
    },
  },
  getComment: {
    className: 'CommentProcedure',
    params: [['comment_id']],
    run: (ctx, a) => {
      const row = ctx.store.comment(int(a.comment_id));
      checkTask(ctx, 'CommentProcedure', 'getComment', row?.task_id ?? 0);
      return row ? ctx.store.commentRow(row, true) : null;
    },
  },
  createComment: {
    className: 'CommentProcedure',
    params: [['task_id'], ['user_id'], ['content'], ['reference', ''], ['visibility', 'app-user']],
    run: (ctx, a) => {
      checkTask(ctx, 'CommentProcedure', 'createComment', a.task_id);
      const user = ctx.session.user;
      let visibility = String(a.visibility);
      if (user) {
        if (int(a.user_id) !== user.id) return false;
        if (user.role === 'app-manager' && visibility === 'app-admin') return false;
        if (user.role === 'app-user' && visibility !== 'app-user') return false;
      }
      if (!['app-user', 'app-manager', 'app-admin'].includes(visibility)) return false;
      if (a.content === undefined || a.content === null || a.content === '') return false;
      if (!isIntegerish(a.task_id) || !isIntegerish(a.user_id)) return false;
      if (String(a.reference ?? '').length > 191) return false;
      if (user?.role === 'app-user') visibility = 'app-user';
      return ctx.store.createComment(
        {
          task_id: int(a.task_id),
          user_id: int(a.user_id),
          comment: String(a.content),
          reference: String(a.reference ?? ''),
          visibility: visibility as 'app-user',
        },
        ctx.session,
      );
    },
  },
  updateComment: {
    className: 'CommentProcedure',
    params: [['id'], ['content']],
    run: (ctx, a) => {
      const row = ctx.store.comment(int(a.id));
      checkTask(ctx, 'CommentProcedure', 'updateComment', row?.task_id ?? 0);
      if (ctx.session.user && row?.user_id !== ctx.session.user.id) return false;
      if (a.content === undefined || a.content === null || a.content === '') return false;
      return ctx.store.updateComment(int(a.id), String(a.content), ctx.session);
    },
  },
  removeComment: {
    className: 'CommentProcedure',
    params: [['comment_id']],
    run: (ctx, a) => {
      const row = ctx.store.comment(int(a.comment_id));
      checkTask(ctx, 'CommentProcedure', 'removeComment', row?.task_id ?? 0);
      if (ctx.session.user && row?.user_id !== ctx.session.user.id) return false;
      return ctx.store.removeComment(int(a.comment_id), ctx.session);
    },
  },
};

/** Procedures that need a logged-in user (ProcedureAuthorization). */
export const USER_ONLY = new Set(['getMe', 'getMyProjectsList']);

/** Application-level API access map: what a user needs which app role for. */
export function appRoleAllows(procedure: Procedure, method: string, role: string): boolean {
  const adminOnly =
    procedure.className === 'UserProcedure' || procedure.className === 'LinkProcedure' || method === 'getAllProjects';
  return !adminOnly || role === 'app-admin';
}

/** ProcedureHandler::getArguments: positional or named, counted against required and maximum. */
export function bindArguments(procedure: Procedure, params: unknown): Record<string, unknown> {
  const given = params === undefined || params === null ? [] : params;
  const required = procedure.params.filter((p) => p.length === 1).length;
  const count = Array.isArray(given) ? given.length : Object.keys(given as object).length;
  if (count < required) throw new InvalidParams('Wrong number of arguments');
  if (count > procedure.params.length) throw new InvalidParams('Too many arguments');
  const args: Record<string, unknown> = {};
  procedure.params.forEach((p, i) => {
    const [name] = p;
    if (Array.isArray(given)) {
      args[name] = i < given.length ? given[i] : p[1];
    } else if (Object.prototype.hasOwnProperty.call(given, name)) {
      args[name] = (given as Record<string, unknown>)[name];
    } else if (p.length === 2) {
      args[name] = p[1];
    } else {
      throw new InvalidParams(`Missing argument: ${name}`);
    }
  });
  return args;
}
