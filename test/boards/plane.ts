import { PlaneAdapter, type PlaneAdapterOptions } from '../../src/main/core/boards/plane/adapter';
import { textToHtml } from '../../src/main/core/boards/plane/html';
import { PRIORITIES } from '../../src/main/core/boards/plane/mapping';
import type { FieldPatch } from '../../src/shared/task';
import { startFakePlane, type FakePlane, type FakePlaneOptions, type HumanWorkItemFields } from '../fakes/plane';

/**
 * The Plane fixture: a fake Plane on loopback, a connected adapter, and a
 * person editing through Plane's web app (the fake's human actions, which fire
 * webhooks like the app does). Used by the conformance suite and the Plane tests.
 */
export interface PlaneFixture {
  fake: FakePlane;
  adapter: PlaneAdapter;
  configEntry: Record<string, unknown>;
  secrets: Record<string, string>;
  /** A canonical patch as a person's edits in Plane's web app. */
  humanFields(patch: FieldPatch): HumanWorkItemFields;
  stop(): Promise<void>;
}

export async function startPlaneFixture(
  options: Partial<PlaneAdapterOptions> = {},
  fakeOptions: FakePlaneOptions = {},
): Promise<PlaneFixture> {
  const fake = await startFakePlane({ rateLimitPerMinute: 100_000, ...fakeOptions });
  const adapter = new PlaneAdapter({
    boardId: 'pl',
    url: fake.url,
    workspace: fake.workspaceSlug,
    project: fake.project.identifier,
    token: fake.apiKey,
    ...options,
  });
  await adapter.connect();
  const humanFields = (patch: FieldPatch): HumanWorkItemFields => {
    const out: HumanWorkItemFields = {};
    if (patch.title !== undefined) out.name = patch.title;
    if (patch.description !== undefined) out.description = textToHtml(patch.description);
    if (patch.status !== undefined) out.state = patch.status;
    if (patch.assignee !== undefined) out.assignees = patch.assignee === null ? [] : [patch.assignee];
    if (patch.priority !== undefined) out.priority = PRIORITIES[patch.priority]!;
    if (patch.labels !== undefined) {
      // A person picks a label or types a new one in the app.
      for (const name of patch.labels) fake.store.createLabel(fake.projectId, { name }, null);
      out.labels = patch.labels;
    }
    if (patch.dueDate !== undefined) out.targetDate = patch.dueDate;
    return out;
  };
  return {
    fake,
    adapter,
    configEntry: {
      id: 'pl',
      type: 'plane',
      url: fake.url,
      workspace: fake.workspaceSlug,
      project: fake.project.identifier,
      token: { env: 'PLANE_KEY' },
    },
    secrets: { PLANE_KEY: fake.apiKey },
    humanFields,
    stop: () => fake.close(),
  };
}
