import type { FakeKanboard } from './server';

/** What seedStandardBoard made: ids and credentials tests refer to. */
export interface StandardBoard {
  projectId: number;
  projectName: string;
  /** Personal access token of the `deckhand` bot user (a project member). */
  botToken: string;
  appToken: string;
}

/**
 * A project as a team would have it: Kanboard's default columns, three people
 * who can be assigned (alice, bob, carol), and a `deckhand` bot user for user
 * mode. Tasks can be added with `tasks`.
 */
export function seedStandardBoard(
  fake: FakeKanboard,
  options: { projectName?: string; tasks?: number; columns?: string[] } = {},
): StandardBoard {
  const store = fake.store;
  const projectName = options.projectName ?? 'Deckhand Test';
  const project = store.addProject({ name: projectName, ...(options.columns ? { columns: options.columns } : {}) });
  for (const username of ['alice', 'bob', 'carol']) {
    const user = store.userByName(username) ?? store.addUser({ username });
    store.addMember(project.id, user.id, 'project-member');
  }
  const botToken = 'bot-personal-token-abcdef123456';
  const bot =
    store.userByName('deckhand') ?? store.addUser({ username: 'deckhand', name: 'Deckhand', token: botToken });
  store.addMember(project.id, bot.id, 'project-member');
  const admin = { user: store.userByName('admin')! };
  for (let i = 0; i < (options.tasks ?? 0); i++) {
    store.createTask({ title: `Task ${i + 1}`, project_id: project.id, description: `Body of task ${i + 1}` }, admin);
  }
  store.events.length = 0;
  return { projectId: project.id, projectName, botToken, appToken: fake.appToken };
}
