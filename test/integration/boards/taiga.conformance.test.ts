import type { WebhookDelivery } from '../../../src/main/core/boards/contract/adapter';
import { signHmac } from '../../../src/main/core/boards/kit/webhooks/verify';
import { describeBoardConformance } from '../../conformance/board-conformance';
import { startTaigaFixture } from '../../boards/taiga';

const KEY = 'taiga-conformance-key';
const SCHEME = { header: 'X-TAIGA-WEBHOOK-SIGNATURE', algorithm: 'sha1', encoding: 'hex' } as const;

/** A delivery as taiga/webhooks/tasks.py posts it: HMAC-SHA1 of the raw body in two headers, no delivery id. */
function taigaDelivery(rawBody: string): WebhookDelivery {
  const signature = signHmac(rawBody, KEY, SCHEME);
  return {
    headers: {
      'content-type': 'application/json',
      'x-taiga-webhook-signature': signature,
      'x-hub-signature': `sha1=${signature}`,
    },
    query: new URLSearchParams(),
    rawBody: Buffer.from(rawBody),
  };
}

let deliveries = 0;

describeBoardConformance(
  'taiga (fake server)',
  async () => {
    const timeoutMs = 1_500;
    const fx = await startTaigaFixture({ webhookKey: KEY, timeoutMs });
    const human = fx.fake.human('alice');
    return {
      adapter: fx.adapter,
      humanEdit: (taskId, patch) => fx.humanEdit(human, taskId, patch),
      humanCreate: (fields) => fx.humanCreate(human, fields),
      humanDelete: (taskId) => human.delete(Number(taskId)),
      teardown: () => fx.stop(),
      faults: {
        inject: ({ on, ...fault }) =>
          fx.fake.fail({
            ...fault,
            ...(on === 'any'
              ? {}
              : on === 'create'
                ? { when: (r) => r.method === 'POST' && r.path === '/api/v1/userstories' }
                : {
                    when: (r) =>
                      r.method === 'PATCH' && typeof (r.body as { comment?: unknown } | null)?.comment === 'string',
                  }),
          }),
        timeoutMs,
        // exceptions.Throttled as DRF renders it through taiga's exception handler.
        rateLimited: {
          status: 429,
          headers: { 'x-throttle-wait-seconds': '7' },
          body: '{"_error_message": "Request was throttled.Expected available in 7 seconds.", "_error_type": "taiga.base.exceptions.Throttled"}',
          waitMs: 7_000,
        },
      },
      webhooks: {
        genuine: (taskId, kind) => {
          const change =
            kind === 'comment'
              ? { comment: 'a comment', comment_html: '<p>a comment</p>', diff: {} }
              : { comment: '', comment_html: '', diff: { subject: { from: 'a', to: 'b' } } };
          const body = {
            action: 'change',
            type: 'userstory',
            by: { id: 6, username: 'alice' },
            date: new Date(Date.now() + ++deliveries).toISOString(),
            data: { id: Number(taskId), project: { id: fx.fake.projectId } },
            change,
          };
          return taigaDelivery(JSON.stringify(body));
        },
        withoutCredential: (d) => ({
          ...d,
          headers: { ...d.headers, 'x-taiga-webhook-signature': undefined, 'x-hub-signature': undefined },
        }),
        withWrongCredential: (d) => ({
          ...d,
          headers: { ...d.headers, 'x-taiga-webhook-signature': signHmac(d.rawBody, 'wrong', SCHEME) },
        }),
        withBody: (_d, rawBody) => taigaDelivery(rawBody),
      },
    };
  },
  { transport: true, webhooks: 'hmac', priority: false },
);
