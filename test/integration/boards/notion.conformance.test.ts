import { randomUUID } from 'node:crypto';
import type { WebhookDelivery } from '../../../src/main/core/boards/contract/adapter';
import { signHmac } from '../../../src/main/core/boards/kit/webhooks/verify';
import { SIGNATURE } from '../../../src/main/core/boards/notion/webhook';
import { describeBoardConformance } from '../../conformance/board-conformance';
import { errorBody, NOTION_ERRORS } from '../../fakes/notion';
import { startNotionFixture } from '../../boards/notion';

const TOKEN = 'secret_conformance0123456789';

/** An event as Notion posts it (developers.notion.com, "Event types & delivery"), signed with the verification token. */
function notionDelivery(rawBody: string): WebhookDelivery {
  return {
    headers: { 'x-notion-signature': signHmac(rawBody, TOKEN, SIGNATURE), 'content-type': 'application/json' },
    query: new URLSearchParams(),
    rawBody: Buffer.from(rawBody),
  };
}

describeBoardConformance(
  'notion (fake server)',
  async () => {
    const timeoutMs = 1_500;
    const fx = await startNotionFixture({ webhookSecret: TOKEN, timeoutMs });
    const person = fx.fake.human('alice');
    const isCreate = (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/pages';
    const isComment = (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/comments';
    const event = (taskId: string, kind: 'task' | 'comment') =>
      JSON.stringify({
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        workspace_id: randomUUID(),
        subscription_id: randomUUID(),
        integration_id: randomUUID(),
        type: kind === 'task' ? 'page.properties_updated' : 'comment.created',
        authors: [{ id: randomUUID(), type: 'person' }],
        attempt_number: 1,
        entity: kind === 'task' ? { id: taskId, type: 'page' } : { id: randomUUID(), type: 'comment' },
        data:
          kind === 'task'
            ? { parent: { id: fx.fake.store.dataSourceId, type: 'database' }, updated_properties: ['title'] }
            : { page_id: taskId, parent: { id: taskId, type: 'page' } },
      });
    return {
      adapter: fx.adapter,
      humanEdit: async (taskId, patch) => fx.humanEdit(person, taskId, patch),
      humanCreate: async (fields) => fx.humanCreate(person, fields),
      humanDelete: async (taskId) => person.trash(taskId),
      teardown: () => fx.stop(),
      faults: {
        inject: ({ on, ...fault }) =>
          fx.fake.fail({ ...fault, ...(on === 'any' ? {} : { when: on === 'create' ? isCreate : isComment }) }),
        timeoutMs,
        rateLimited: {
          status: 429,
          headers: { 'retry-after': '7', 'content-type': 'application/json' },
          body: errorBody(429, NOTION_ERRORS.rateLimited.code, NOTION_ERRORS.rateLimited.message),
          waitMs: 7_000,
        },
      },
      webhooks: {
        genuine: (taskId, kind) => notionDelivery(event(taskId, kind)),
        withoutCredential: (d) => ({ ...d, headers: { ...d.headers, 'x-notion-signature': undefined } }),
        withWrongCredential: (d) => ({
          ...d,
          headers: { ...d.headers, 'x-notion-signature': signHmac(d.rawBody, 'secret_wrong000000', SIGNATURE) },
        }),
        withBody: (_d, rawBody) => notionDelivery(rawBody),
      },
    };
  },
  { transport: true, webhooks: 'hmac' },
);
