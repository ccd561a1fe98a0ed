import { LinearAdapter, type LinearAdapterOptions } from '../../src/main/core/boards/linear/adapter';
import { priorityToLinear } from '../../src/main/core/boards/linear/mapping';
import type { FieldPatch } from '../../src/shared/task';
import { startFakeLinear, type FakeLinear, type FakeLinearOptions, type HumanIssueFields } from '../fakes/linear';

/**
 * The Linear fixture: a fake Linear on loopback, a connected adapter (with
 * Deckhand's own account's API key), and a person editing in Linear's app (the
 * fake's human actions, which send webhooks as the app's saves do). Used by the
 * conformance suite, the Linear tests, the crash tests and the benchmark.
 */
export interface LinearFixture {
  fake: FakeLinear;
  adapter: LinearAdapter;
  configEntry: Record<string, unknown>;
  secrets: Record<string, string>;
  /** A canonical patch as a person's edits in Linear's app. */
  humanFields(patch: FieldPatch): HumanIssueFields;
  stop(): Promise<void>;
}

export async function startLinearFixture(
  options: Partial<LinearAdapterOptions> = {},
  fakeOptions: FakeLinearOptions = {},
): Promise<LinearFixture> {
  const fake = await startFakeLinear({ requestsPerHour: 10_000_000, complexityPerHour: 1_000_000_000, ...fakeOptions });
  const adapter = new LinearAdapter({
    boardId: 'ln',
    url: fake.url,
    team: fake.team.key,
    token: fake.apiKey,
    ...options,
  });
  await adapter.connect();
  const humanFields = (patch: FieldPatch): HumanIssueFields => {
    const out: HumanIssueFields = {};
    if (patch.title !== undefined) out.title = patch.title;
    if (patch.description !== undefined) out.description = patch.description;
    if (patch.status !== undefined) out.state = patch.status;
    if (patch.assignee !== undefined) out.assignee = patch.assignee;
    if (patch.priority !== undefined) out.priority = priorityToLinear(patch.priority);
    if (patch.labels !== undefined) out.labels = patch.labels;
    if (patch.parentId !== undefined) out.parentId = patch.parentId;
    if (patch.dueDate !== undefined) out.dueDate = patch.dueDate;
    return out;
  };
  return {
    fake,
    adapter,
    configEntry: { id: 'ln', type: 'linear', url: fake.url, team: fake.team.key, token: { env: 'LINEAR_KEY' } },
    secrets: { LINEAR_KEY: fake.apiKey },
    humanFields,
    stop: () => fake.close(),
  };
}
