import { BoardError } from '../contract/errors';
import type { KanboardRpcClient } from './json-rpc-client';
import { quoteNames } from './connect';
import { num, text } from './values';

/**
 * Maps assignee usernames to Kanboard user ids. Tasks carry `owner_id`, and
 * listings already name the assignee, so most ids are learned for free; the
 * rest are looked up once (`getUserByName`, which needs the application token
 * or an admin) and checked against the project's assignable users. A non-admin
 * user may not look users up, so it falls back to tasks already assigned to
 * the username and to display names.
 */
export class UserDirectory {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly client: KanboardRpcClient,
    private readonly projectId: () => number,
  ) {}

  /** Remembers a pairing seen in a listing. */
  learn(username: unknown, id: unknown): void {
    const name = text(username);
    if (name !== '' && num(id) > 0) this.ids.set(name, num(id));
  }

  async idOf(username: string): Promise<number> {
    const known = this.ids.get(username);
    if (known !== undefined) return known;
    const assignable = { method: 'getAssignableUsers', params: { project_id: this.projectId() } };
    let userRow: { id?: unknown } | null;
    let members: Record<string, string>;
    let limited = false;
    try {
      const [user, list] = await this.client.batch([{ method: 'getUserByName', params: { username } }, assignable], {
        read: true,
      });
      if (!list!.ok) throw list!.error;
      members = (list!.result as Record<string, string>) ?? {};
      userRow = user!.ok ? (user!.result as { id?: unknown } | null) : null;
    } catch (err) {
      // Looking users up needs an admin; Kanboard then refuses the whole batch.
      if (!(err instanceof BoardError && err.kind === 'auth' && this.client.mode === 'user')) throw err;
      limited = true;
      ({ members, userRow } = await this.lookUpAsMember(username, assignable));
    }
    const id = num(userRow?.id);
    if (id <= 0 || !(String(id) in members)) {
      throw new BoardError(
        'invalid',
        `cannot assign "${username}": no such user can be assigned in this Kanboard project; ` +
          `assignable users: ${quoteNames(Object.values(members))}` +
          (limited
            ? ` (as a non-admin user, Deckhand only finds people who already have a task in the project or whose ` +
              `display name is their username; the application token can assign anyone)`
            : ''),
      );
    }
    this.ids.set(username, id);
    return id;
  }

  /**
   * Without admin rights: a task assigned to the username (the `assignee:`
   * search matches usernames and display names loosely, so rows are checked
   * exactly), else an assignable user whose display name is the username.
   */
  private async lookUpAsMember(
    username: string,
    assignable: { method: string; params: Record<string, unknown> },
  ): Promise<{ members: Record<string, string>; userRow: { id?: unknown } | null }> {
    const searchable = /^[^\s"]+$/.test(username);
    const [list, tasks] = await this.client.batch(
      [
        assignable,
        ...(searchable
          ? [{ method: 'searchTasks', params: { project_id: this.projectId(), query: `assignee:"${username}"` } }]
          : []),
      ],
      { read: true },
    );
    if (!list!.ok) throw list!.error;
    const members = (list!.result as Record<string, string>) ?? {};
    const rows = tasks?.ok && Array.isArray(tasks.result) ? (tasks.result as Record<string, unknown>[]) : [];
    const assigned = rows.find((r) => text(r.assignee_username) === username);
    if (assigned) return { members, userRow: { id: assigned.owner_id } };
    const matches = Object.entries(members).filter(([, name]) => name === username);
    return { members, userRow: matches.length === 1 ? { id: matches[0]![0] } : null };
  }
}
