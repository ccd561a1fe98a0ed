import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookDelivery } from '../../../src/main/core/boards/contract/adapter';
import { describeBoardConformance } from '../../conformance/board-conformance';
import { startLinearFixture } from '../../boards/linear';

const SECRET = 'lin_wh_conformance';
const sign = (body: string | Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

/** A delivery as Linear posts it (packages/sdk/src/webhooks/client.ts): signed raw body, delivery id, event. */
function linearDelivery(rawBody: string, deliveryId: string, event: string): WebhookDelivery {
  return {
    headers: { 'linear-signature': sign(rawBody), 'linear-delivery': deliveryId, 'linear-event': event },
    query: new URLSearchParams(),
    rawBody: Buffer.from(rawBody),
  };
}

describeBoardConformance(
  'linear (fake server)',
  async () => {
    const timeoutMs = 1_500;
    const fx = await startLinearFixture({ webhookSecret: SECRET, timeoutMs });
    const human = fx.fake.human('alice');
    const teamId = fx.fake.team.id;
    const rootOf = { create: 'issueCreate', comment: 'commentCreate' } as const;
    const body = (taskId: string, kind: 'task' | 'comment', timestamp = Date.now()) =>
      JSON.stringify(
        kind === 'task'
          ? {
              action: 'update',
              type: 'Issue',
              data: { id: taskId, teamId },
              webhookTimestamp: timestamp,
              webhookId: 'w',
            }
          : {
              action: 'create',
              type: 'Comment',
              data: { id: randomUUID(), issueId: taskId, issue: { id: taskId, teamId } },
              webhookTimestamp: timestamp,
              webhookId: 'w',
            },
      );
    return {
      adapter: fx.adapter,
      humanEdit: (taskId, patch) => human.update(taskId, fx.humanFields(patch)),
      humanCreate: async (fields) => (await human.createIssue({ ...fx.humanFields(fields), title: fields.title })).id,
      humanDelete: (taskId) => human.deleteIssue(taskId),
      teardown: () => fx.stop(),
      faults: {
        inject: ({ on, ...fault }) =>
          fx.fake.fail({ ...fault, ...(on === 'any' ? {} : { when: (r) => r.rootField === rootOf[on] }) }),
        timeoutMs,
        // Linear's rate-limited answer: HTTP 400 with extensions.code RATELIMITED, and a Retry-After.
        rateLimited: {
          status: 400,
          headers: { 'content-type': 'application/json', 'retry-after': '7' },
          body: JSON.stringify({
            errors: [
              {
                message: 'Rate limit exceeded',
                extensions: { type: 'ratelimited', code: 'RATELIMITED', statusCode: 429, userError: true },
              },
            ],
            data: null,
          }),
          waitMs: 7_000,
        },
      },
      webhooks: {
        genuine: (taskId, kind) =>
          linearDelivery(body(taskId, kind), randomUUID(), kind === 'task' ? 'Issue' : 'Comment'),
        withoutCredential: (d) => ({ ...d, headers: { ...d.headers, 'linear-signature': undefined } }),
        withWrongCredential: (d) => ({ ...d, headers: { ...d.headers, 'linear-signature': sign(d.rawBody, 'wrong') } }),
        withBody: (d, rawBody) => linearDelivery(rawBody, String(d.headers['linear-delivery']), 'Issue'),
        stale: (taskId) => linearDelivery(body(taskId, 'task', Date.now() - 61_000), randomUUID(), 'Issue'),
      },
    };
  },
  { transport: true, webhooks: 'hmac+timestamp' },
);
