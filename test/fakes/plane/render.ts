import { pyFloat } from './pyjson';
import type { CommentRow, IssueRow, LabelRow, PlaneStore, ProjectRow, StateRow, UserRow } from './store';
import { drfDateTime } from './time';

/**
 * The JSON Plane's serializers produce, with their key order: DRF's
 * ModelSerializer with `fields = "__all__"` writes the primary key, then the
 * declared fields, then the model's plain fields in definition order (the
 * mixins' created_at, updated_at, deleted_at first), then its foreign keys
 * (created_by, updated_by, then the model's own). FloatFields are Python
 * floats. Sources: api/serializers/{issue,state,project,user,workspace,base}.py,
 * db/models/{issue,state,label,project,user}.py, db/mixins.py.
 */

type Json = Record<string, unknown>;

export interface RenderContext {
  store: PlaneStore;
  /** The API user's `user_timezone` (DRF renders datetimes in it); webhooks use UTC. */
  timeZone: string;
  /** The requesting user (for `is_member` and project annotations). */
  userId?: string;
}

const dt = (ctx: RenderContext, v: number | null) => drfDateTime(v, ctx.timeZone);

export function userLite(user: UserRow | undefined): Json {
  if (!user) return {};
  return {
    id: user.id,
    first_name: user.first_name,
    last_name: user.last_name,
    email: user.email,
    avatar: user.avatar,
    avatar_url: user.avatar === '' ? null : user.avatar,
    display_name: user.display_name,
  };
}

export function workspaceLite(ctx: RenderContext): Json {
  const w = ctx.store.workspace;
  return { name: w.name, slug: w.slug, id: w.id };
}

export function projectLite(project: ProjectRow): Json {
  return {
    id: project.id,
    identifier: project.identifier,
    name: project.name,
    cover_image: null,
    icon_prop: null,
    emoji: null,
    description: project.description,
    cover_image_url: null,
  };
}

export function stateLite(state: StateRow | undefined): Json {
  if (!state) return {};
  return { id: state.id, name: state.name, color: state.color, group: state.group };
}

/** StateSerializer. */
export function renderState(ctx: RenderContext, s: StateRow): Json {
  return {
    id: s.id,
    created_at: dt(ctx, s.created_at),
    updated_at: dt(ctx, s.updated_at),
    deleted_at: dt(ctx, s.deleted_at),
    name: s.name,
    description: s.description,
    color: s.color,
    slug: s.slug,
    sequence: pyFloat(s.sequence),
    group: s.group,
    is_triage: false,
    default: s.default,
    external_source: s.external_source,
    external_id: s.external_id,
    created_by: s.created_by,
    updated_by: s.updated_by,
    project: s.project,
    workspace: ctx.store.workspace.id,
  };
}

/** LabelSerializer (Label is a WorkspaceBaseModel: workspace before project). */
export function renderLabel(ctx: RenderContext, l: LabelRow): Json {
  return {
    id: l.id,
    created_at: dt(ctx, l.created_at),
    updated_at: dt(ctx, l.updated_at),
    deleted_at: dt(ctx, l.deleted_at),
    name: l.name,
    description: l.description,
    color: l.color,
    sort_order: pyFloat(l.sort_order),
    external_source: l.external_source,
    external_id: l.external_id,
    created_by: l.created_by,
    updated_by: l.updated_by,
    workspace: ctx.store.workspace.id,
    project: l.project,
    parent: l.parent,
  };
}

/** ProjectSerializer with the list/detail views' annotations for the requesting member. */
export function renderProject(ctx: RenderContext, p: ProjectRow): Json {
  const role = ctx.userId ? p.members.get(ctx.userId) : undefined;
  return {
    id: p.id,
    total_members: p.members.size,
    total_cycles: 0,
    total_modules: 0,
    is_member: role !== undefined,
    sort_order: role !== undefined ? pyFloat(65535) : null,
    member_role: role ?? null,
    is_deployed: false,
    cover_image_url: null,
    created_at: dt(ctx, p.created_at),
    updated_at: dt(ctx, p.updated_at),
    deleted_at: null,
    name: p.name,
    description: p.description,
    description_text: null,
    description_html: null,
    network: p.network,
    identifier: p.identifier,
    emoji: null,
    icon_prop: null,
    module_view: true,
    cycle_view: true,
    issue_views_view: true,
    page_view: true,
    intake_view: false,
    is_time_tracking_enabled: false,
    is_issue_type_enabled: false,
    guest_view_all_features: false,
    cover_image: null,
    archive_in: 0,
    close_in: 0,
    logo_props: {},
    archived_at: null,
    timezone: p.timezone,
    external_source: null,
    external_id: null,
    created_by: p.created_by,
    updated_by: null,
    workspace: ctx.store.workspace.id,
    default_assignee: null,
    project_lead: null,
    cover_image_asset: null,
    estimate: null,
    default_state: null,
  };
}

/**
 * Labels as Plane lists them: IssueLabel rows come back newest first, and they
 * were bulk-created in the order of the Label queryset (newest label first),
 * so the labels end up oldest label first whatever order the request gave.
 * Assignees likewise follow the order members joined the project.
 */
export function orderedLabels(ctx: RenderContext, issue: IssueRow): LabelRow[] {
  return issue.labels
    .map((id) => ctx.store.labels.get(id))
    .filter((l): l is LabelRow => l !== undefined && l.deleted_at === null)
    .sort((a, b) => a.created_at - b.created_at);
}

export function orderedAssignees(ctx: RenderContext, issue: IssueRow): UserRow[] {
  return issue.assignees
    .map((id) => ctx.store.users.get(id))
    .filter((u): u is UserRow => u !== undefined)
    .sort((a, b) => a.joined - b.joined);
}

function issueLite(issue: IssueRow | undefined): Json {
  return issue ? { id: issue.id, sequence_id: issue.sequence_id, project_id: issue.project } : {};
}

/** The model fields of IssueSerializer (exclude description_json, description_stripped), in output order. */
function issueBase(ctx: RenderContext, i: IssueRow): Json {
  return {
    id: i.id,
    type_id: null,
    created_at: dt(ctx, i.created_at),
    updated_at: dt(ctx, i.updated_at),
    deleted_at: dt(ctx, i.deleted_at),
    point: null,
    name: i.name,
    description_html: i.description_html,
    description_binary: null,
    priority: i.priority,
    start_date: i.start_date,
    target_date: i.target_date,
    sequence_id: i.sequence_id,
    sort_order: pyFloat(i.sort_order),
    completed_at: dt(ctx, i.completed_at),
    archived_at: i.archived_at,
    is_draft: i.is_draft,
    external_source: i.external_source,
    external_id: i.external_id,
    created_by: i.created_by,
    updated_by: i.updated_by,
    project: i.project,
    workspace: ctx.store.workspace.id,
    parent: i.parent,
    state: i.state,
    estimate_point: null,
    type: null,
  };
}

/** Every field IssueSerializer has (the two write-only lists last, as its to_representation adds them). */
const ISSUE_FIELDS = [
  'id',
  'type_id',
  'created_at',
  'updated_at',
  'deleted_at',
  'point',
  'name',
  'description_html',
  'description_binary',
  'priority',
  'start_date',
  'target_date',
  'sequence_id',
  'sort_order',
  'completed_at',
  'archived_at',
  'is_draft',
  'external_source',
  'external_id',
  'created_by',
  'updated_by',
  'project',
  'workspace',
  'parent',
  'state',
  'estimate_point',
  'type',
  'assignees',
  'labels',
];

/**
 * BaseSerializer.to_representation's `expand` for a field holding a foreign
 * key: the mapped lite serializer (an empty object for a null key, as DRF's
 * `Serializer(None).data` gives), else the raw `<field>_id`.
 */
function expandForeignKey(ctx: RenderContext, field: string, value: unknown): unknown {
  const id = typeof value === 'string' ? value : undefined;
  switch (field) {
    case 'state':
      return stateLite(id ? ctx.store.states.get(id) : undefined);
    case 'project': {
      const p = id ? ctx.store.projects.get(id) : undefined;
      return p ? projectLite(p) : {};
    }
    case 'workspace':
      return workspaceLite(ctx);
    case 'parent':
      return issueLite(id ? ctx.store.issues.get(id) : undefined);
    case 'created_by':
    case 'updated_by':
    case 'actor':
      return userLite(id ? ctx.store.users.get(id) : undefined);
    case 'issue': {
      const issue = id ? ctx.store.issues.get(id) : undefined;
      return issue ? renderIssue(ctx, issue) : {};
    }
    case 'estimate_point':
      return null;
    default:
      return value ?? null;
  }
}

function applyFieldsAndExpand(
  data: Json,
  all: string[],
  fields: string[] | undefined,
  expand: string[] | undefined,
  ctx: RenderContext,
): { data: Json; has: (f: string) => boolean } {
  const keep = fields ? new Set(fields.filter((f) => all.includes(f))) : new Set(all);
  const out: Json = {};
  for (const [k, v] of Object.entries(data)) if (keep.has(k)) out[k] = v;
  for (const field of expand ?? []) {
    if (keep.has(field) && field !== 'assignees' && field !== 'labels') {
      out[field] = expandForeignKey(ctx, field, data[field]);
    } else if (keep.has(field)) {
      // Not in BaseSerializer's mapper: it writes `<field>_id` (None) first; IssueSerializer fills it in after.
      out[field] = null;
    }
  }
  return { data: out, has: (f) => keep.has(f) };
}

/** IssueSerializer with the `fields` and `expand` query parameters. */
export function renderIssue(ctx: RenderContext, issue: IssueRow, fields?: string[], expand?: string[]): Json {
  const { data, has } = applyFieldsAndExpand(issueBase(ctx, issue), ISSUE_FIELDS, fields, expand, ctx);
  const expanding = new Set(expand ?? []);
  if (has('assignees')) {
    const users = orderedAssignees(ctx, issue);
    data.assignees = expanding.has('assignees') ? users.map(userLite) : users.map((u) => u.id);
  }
  if (has('labels')) {
    const labels = orderedLabels(ctx, issue);
    data.labels = expanding.has('labels') ? labels.map((l) => renderLabel(ctx, l)) : labels.map((l) => l.id);
  }
  return data;
}

/** IssueExpandSerializer with `expand: ["labels", "assignees"]`: the `data` of an issue webhook. */
export function renderIssueForWebhook(ctx: RenderContext, i: IssueRow): Json {
  const state = i.state ? ctx.store.states.get(i.state) : undefined;
  return {
    id: i.id,
    labels: orderedLabels(ctx, i).map((l) => ({ id: l.id, name: l.name, color: l.color })),
    assignees: orderedAssignees(ctx, i).map(userLite),
    state: state ? stateLite(state) : null,
    description: {},
    created_at: dt(ctx, i.created_at),
    updated_at: dt(ctx, i.updated_at),
    deleted_at: dt(ctx, i.deleted_at),
    point: null,
    name: i.name,
    description_json: {},
    description_html: i.description_html,
    description_stripped: i.description_stripped,
    description_binary: null,
    priority: i.priority,
    start_date: i.start_date,
    target_date: i.target_date,
    sequence_id: i.sequence_id,
    sort_order: pyFloat(i.sort_order),
    completed_at: dt(ctx, i.completed_at),
    archived_at: i.archived_at,
    is_draft: i.is_draft,
    external_source: i.external_source,
    external_id: i.external_id,
    created_by: i.created_by,
    updated_by: i.updated_by,
    project: i.project,
    workspace: ctx.store.workspace.id,
    parent: i.parent,
    estimate_point: null,
    type: null,
  };
}

/**
 * IssueCommentSerializer. `is_member` is an annotation of the list and detail
 * querysets only; the create and update answers (and webhooks) fetch the row
 * without it, and DRF then leaves the read-only field out.
 */
export function renderComment(
  ctx: RenderContext,
  c: CommentRow,
  options: { annotated?: boolean; fields?: string[]; expand?: string[] } = {},
): Json {
  const data: Json = {
    id: c.id,
    ...(options.annotated ? { is_member: true } : {}),
    created_at: dt(ctx, c.created_at),
    updated_at: dt(ctx, c.updated_at),
    deleted_at: dt(ctx, c.deleted_at),
    comment_html: c.comment_html,
    attachments: [],
    access: c.access,
    external_source: c.external_source,
    external_id: c.external_id,
    edited_at: dt(ctx, c.edited_at),
    created_by: c.created_by,
    updated_by: c.updated_by,
    project: c.project,
    workspace: ctx.store.workspace.id,
    description: c.description,
    issue: c.issue,
    actor: c.actor,
    parent: c.parent,
  };
  if (!options.fields && !options.expand) return data;
  return applyFieldsAndExpand(data, Object.keys(data), options.fields, options.expand, ctx).data;
}

/**
 * The web app's IssueDetailSerializer, reduced to the keys the app sends when
 * a person edits a work item (`state_id`, `label_ids`, ...): what
 * model_activity compares a UI PATCH against. `label_ids` / `assignee_ids` come
 * from `ArrayAgg(distinct=True)`, so they are sorted.
 */
export function renderIssueForApp(ctx: RenderContext, i: IssueRow): Json {
  return {
    id: i.id,
    name: i.name,
    state_id: i.state,
    priority: i.priority,
    start_date: i.start_date,
    target_date: i.target_date,
    parent_id: i.parent,
    label_ids: [...i.labels].sort(),
    assignee_ids: [...i.assignees].sort(),
    description_html: i.description_html,
  };
}
