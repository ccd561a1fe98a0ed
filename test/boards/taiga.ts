import { TaigaAdapter, type TaigaAdapterOptions } from '../../src/main/core/boards/taiga/adapter';
import { joinNotesSection, splitNotesSection } from '../../src/main/core/boards/kit/notes/description-section';
import type { FieldPatch, TaskFields } from '../../src/shared/task';
import { startFakeTaiga, type FakeTaiga, type FakeTaigaOptions, type HumanActions } from '../fakes/taiga';

/** The people on the fake project besides admin (Deckhand's own account, as a solo developer connects it). */
export const TAIGA_PEOPLE = ['alice', 'bob', 'carol'] as const;
export const TAIGA_PASSWORD = '123123';

/**
 * The Taiga fixture: a fake Taiga on loopback, a connected adapter logged in
 * as admin, and a person editing through Taiga's web UI (the fake's human
 * actions, which write history and fire webhooks like the UI's requests do).
 */
export interface TaigaFixture {
  fake: FakeTaiga;
  adapter: TaigaAdapter;
  configEntry: Record<string, unknown>;
  secrets: Record<string, string>;
  /** A person's edit in the web UI, as a canonical patch; the description editor shows the notes section too. */
  humanEdit(person: HumanActions, storyId: string, patch: FieldPatch): Promise<void>;
  humanCreate(person: HumanActions, fields: Partial<TaskFields> & { title: string }): Promise<string>;
  stop(): Promise<void>;
}

export async function startTaigaFixture(
  options: Partial<TaigaAdapterOptions> = {},
  fakeOptions: FakeTaigaOptions = {},
): Promise<TaigaFixture> {
  const fake = await startFakeTaiga({
    users: TAIGA_PEOPLE.map((username) => ({ username, password: TAIGA_PASSWORD })),
    ...fakeOptions,
  });
  const adapter = new TaigaAdapter({
    boardId: 'tg',
    url: fake.url,
    project: fake.projectSlug,
    username: 'admin',
    password: TAIGA_PASSWORD,
    ...options,
  });
  await adapter.connect();
  const humanEdit = async (person: HumanActions, storyId: string, patch: FieldPatch): Promise<void> => {
    const id = Number(storyId);
    if (patch.title !== undefined || patch.description !== undefined) {
      const now = fake.store.story(id)!.description;
      const notes = splitNotesSection(now).agentNotes;
      await person.edit(id, {
        ...(patch.title !== undefined ? { subject: patch.title } : {}),
        ...(patch.description !== undefined ? { description: joinNotesSection(patch.description, notes) } : {}),
      });
    }
    if (patch.status !== undefined) await person.move(id, patch.status);
    if (patch.labels !== undefined) await person.setTags(id, patch.labels);
    if (patch.assignee !== undefined) await person.assign(id, patch.assignee);
    if (patch.priority !== undefined && patch.priority !== 0) throw new Error('Taiga user stories have no priority');
  };
  const humanCreate = async (
    person: HumanActions,
    fields: Partial<TaskFields> & { title: string },
  ): Promise<string> => {
    const story = await person.createStory({
      subject: fields.title,
      ...(fields.description !== undefined ? { description: fields.description } : {}),
      ...(fields.status !== undefined ? { status: fields.status } : {}),
      ...(fields.labels !== undefined ? { tags: fields.labels } : {}),
      ...(fields.assignee !== undefined ? { assignedTo: fields.assignee } : {}),
    });
    return String(story.id);
  };
  return {
    fake,
    adapter,
    configEntry: {
      id: 'tg',
      type: 'taiga',
      url: fake.url,
      project: fake.projectSlug,
      username: 'admin',
      password: { env: 'TAIGA_PASSWORD' },
    },
    secrets: { TAIGA_PASSWORD },
    humanEdit,
    humanCreate,
    stop: () => fake.close(),
  };
}
