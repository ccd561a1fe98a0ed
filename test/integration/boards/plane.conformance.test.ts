import { randomUUID } from 'node:crypto';
import type { WebhookDelivery } from '../../../src/main/core/boards/contract/adapter';
import { signHmac } from '../../../src/main/core/boards/kit/webhooks/verify';
import { describeBoardConformance } from '../../conformance/board-conformance';
import { startPlaneFixture } from '../../boards/plane';

const SECRET = 'plane_wh_conformance';
const SCHEME = { header: 'X-Plane-Signature', algorithm: 'sha256', encoding: 'hex' } as const;

/** A delivery as Plane's webhook task posts it (bgtasks/webhook_task.py): signed body, delivery id, event header. */
function planeDelivery(rawBody: string, deliveryId: string, event: string): WebhookDelivery {
  return {
    headers: {
      'x-plane-signature': signHmac(rawBody, SECRET, SCHEME),
      'x-plane-delivery': deliveryId,
      'x-plane-event': event,
    },
    query: new URLSearchParams(),
    rawBody: Buffer.from(rawBody),
  };
}

describeBoardConformance(
  'plane (fake server)',
  async () => {
    const timeoutMs = 1_500;
    const fx = await startPlaneFixture({ webhookSecret: SECRET, timeoutMs });
    const human = fx.fake.human('alice');
    const routeOf = { create: '/work-items/', comment: '/comments/' } as const;
    return {
      adapter: fx.adapter,
      humanEdit: (taskId, patch) => human.update(taskId, fx.humanFields(patch)),
      humanCreate: async (fields) => (await human.createWorkItem({ ...fx.humanFields(fields), name: fields.title })).id,
      humanDelete: (taskId) => human.deleteWorkItem(taskId),
      teardown: () => fx.stop(),
      faults: {
        inject: ({ on, ...fault }) =>
          fx.fake.fail({
            ...fault,
            ...(on === 'any' ? {} : { when: (r) => r.method === 'POST' && r.route.endsWith(routeOf[on]) }),
          }),
        timeoutMs,
        // DRF's throttle answer (ApiKeyRateThrottle): Retry-After in seconds and Plane's error body.
        rateLimited: {
          status: 429,
          headers: { 'retry-after': '7' },
          body: '{"error_code":5900,"error_message":"RATE_LIMIT_EXCEEDED"}',
          waitMs: 7_000,
        },
      },
      webhooks: {
        genuine: (taskId, kind) => {
          const body =
            kind === 'task'
              ? { event: 'issue', action: 'updated', data: { id: taskId, project: fx.fake.projectId } }
              : {
                  event: 'issue_comment',
                  action: 'created',
                  data: { id: randomUUID(), issue: taskId, project: fx.fake.projectId },
                };
          const event = body.event;
          return planeDelivery(
            JSON.stringify({ ...body, webhook_id: 'w', workspace_id: 'ws', activity: {} }),
            randomUUID(),
            event,
          );
        },
        withoutCredential: (d) => ({ ...d, headers: { ...d.headers, 'x-plane-signature': undefined } }),
        withWrongCredential: (d) => ({
          ...d,
          headers: { ...d.headers, 'x-plane-signature': signHmac(d.rawBody, 'wrong', SCHEME) },
        }),
        withBody: (d, rawBody) => planeDelivery(rawBody, String(d.headers['x-plane-delivery']), 'issue'),
      },
    };
  },
  { transport: true, webhooks: 'hmac' },
);
