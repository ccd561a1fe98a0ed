import type { ColumnRole } from '../../config';
import { BoardError } from '../contract/errors';
import type { KanboardRpcClient } from './json-rpc-client';
import { num, safeTimeZone, text, type PriorityRange } from './values';

export interface KanboardColumn {
  id: number;
  title: string;
}

/** What the adapter learns once at start: project, columns, link ids, timezone and who it acts as. */
export interface BoardInfo {
  projectId: number;
  projectName: string;
  priority: PriorityRange;
  /** In board order. */
  columns: KanboardColumn[];
  childLink: { id: number; label: string };
  parentLinkId: number;
  timeZone: string;
  /** The user writes are attributed to: 0 for the application token (Kanboard shows no author). */
  userId: number;
  username: string;
  /**
   * Whether the project has automatic actions (getActions; refreshed with every full listing). Unknown, as in
   * user mode where only a project manager may ask, counts as yes: writes are then split so each runs once.
   */
  hasActions?: boolean;
}

export interface ConnectOptions {
  /** Project name, or numeric id. */
  project: string | number;
  /** Column roles from the config: each must name an existing column. */
  columnRoles?: Partial<Record<ColumnRole, string>>;
}

/** Kanboard's default link ids (app/Schema): used when a non-admin user may not list links. */
const DEFAULT_CHILD_LINK = { id: 6, label: 'is a child of' };
const DEFAULT_PARENT_LINK_ID = 7;

export const quoteNames = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

interface ProjectRow {
  id: number | string;
  name: string;
  priority_start?: number | string;
  priority_end?: number | string;
}

interface LinkRow {
  id: number | string;
  label: string;
  opposite_id: number | string;
}

export function columnsFrom(value: unknown): KanboardColumn[] {
  const rows = Array.isArray(value) ? (value as { id: unknown; title: unknown; position: unknown }[]) : [];
  return [...rows]
    .sort((a, b) => num(a.position) - num(b.position) || num(a.id) - num(b.id))
    .map((r) => ({ id: num(r.id), title: text(r.title) }));
}

export function priorityFrom(project: { priority_start?: unknown; priority_end?: unknown }): PriorityRange {
  const start = project.priority_start === undefined ? 0 : num(project.priority_start);
  const end = project.priority_end === undefined ? 3 : num(project.priority_end);
  return { start, end };
}

/** Names of the projects these credentials can see, for a "not found" message. */
async function visibleProjects(client: KanboardRpcClient): Promise<string> {
  try {
    const list =
      client.mode === 'app'
        ? ((await client.call<{ name: string }[]>('getAllProjects', undefined, { read: true })) ?? []).map(
            (p) => p.name,
          )
        : Object.values(
            (await client.call<Record<string, string>>('getMyProjectsList', undefined, { read: true })) ?? {},
          );
    return list.length > 0 ? quoteNames(list) : '(none)';
  } catch {
    return '(could not list them)';
  }
}

async function findProject(client: KanboardRpcClient, project: string | number): Promise<ProjectRow> {
  const byId = typeof project === 'number' || /^\d+$/.test(project);
  let found: ProjectRow | null = null;
  try {
    if (typeof project === 'string') {
      const [outcome] = await client.batch([{ method: 'getProjectByName', params: { name: project } }], { read: true });
      if (outcome!.ok) found = outcome!.result as ProjectRow | null;
      else if (!outcome!.refused) throw outcome!.error;
    }
    if (!found && byId) {
      found = await client.call<ProjectRow | null>('getProjectById', { project_id: Number(project) }, { read: true });
    }
  } catch (err) {
    // In user mode a project without a role for this user is "access denied", not "not found".
    if (!(err instanceof BoardError && err.kind === 'auth' && client.mode === 'user')) throw err;
  }
  if (!found || typeof found !== 'object') {
    throw new BoardError(
      'invalid',
      `Kanboard project "${String(project)}" was not found or is not visible to ${client.describeAuth()}; ` +
        `projects it can see: ${await visibleProjects(client)}`,
    );
  }
  return found;
}

/** Finds the project, reads its columns and link ids, and checks the configured column roles. */
export async function connectBoard(client: KanboardRpcClient, options: ConnectOptions): Promise<BoardInfo> {
  // One plain call first: wrong credentials fail once, not once per batched call (Kanboard counts failed logins).
  let userId = 0;
  let username = 'jsonrpc';
  if (client.mode === 'user') {
    const me = await client.call<{ id: unknown; username: unknown }>('getMe', undefined, { read: true });
    userId = num(me?.id);
    username = text(me?.username) || client.username;
  } else {
    await client.call('getVersion', undefined, { read: true });
  }

  const project = await findProject(client, options.project);
  const projectId = num(project.id);
  const calls = [
    { method: 'getColumns', params: { project_id: projectId } },
    { method: 'getTimezone' },
    // Listing links needs an app admin in user mode; Kanboard refuses the whole batch then, so it goes alone below.
    ...(client.mode === 'app' ? [{ method: 'getAllLinks' }] : []),
  ];
  const [columnsOut, zoneOut, linksOut] = await client.batch(calls, { read: true });
  for (const out of [columnsOut, zoneOut, linksOut]) if (out && !out.ok) throw out.error;
  const columns = columnsFrom(columnsOut!.ok ? columnsOut!.result : []);
  if (columns.length === 0) throw new BoardError('invalid', `Kanboard project "${project.name}" has no columns`);

  let links: LinkRow[] | null = linksOut?.ok ? (linksOut.result as LinkRow[]) : null;
  if (client.mode === 'user') {
    try {
      links = await client.call<LinkRow[]>('getAllLinks', undefined, { read: true });
    } catch (err) {
      if (!(err instanceof BoardError && err.kind === 'auth')) throw err;
    }
  }
  const child = links?.find((l) => l.label === DEFAULT_CHILD_LINK.label);
  const childLink = child ? { id: num(child.id), label: child.label } : DEFAULT_CHILD_LINK;
  const parentLinkId = child ? num(child.opposite_id) : DEFAULT_PARENT_LINK_ID;

  const names = columns.map((c) => c.title);
  for (const [role, name] of Object.entries(options.columnRoles ?? {})) {
    if (name !== undefined && !names.includes(name)) {
      throw new BoardError(
        'invalid',
        `columns.${role} is "${name}", but Kanboard project "${project.name}" has no such column; ` +
          `its columns are: ${quoteNames(names)}`,
      );
    }
  }

  return {
    projectId,
    projectName: text(project.name),
    priority: priorityFrom(project),
    columns,
    childLink,
    parentLinkId,
    timeZone: safeTimeZone(zoneOut!.ok ? zoneOut!.result : 'UTC'),
    userId,
    username,
  };
}
