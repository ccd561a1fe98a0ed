import type { WebhookDelivery } from '../../../src/main/core/boards/contract/adapter';
import { describeBoardConformance } from '../../conformance/board-conformance';
import { startWekanFixture } from '../../boards/wekan';

const TOKEN = 'wekan-outgoing-token';

/** A delivery as WeKan's outgoing webhook posts it (server/notifications/outgoing.js): plain token, no signature. */
function wekanDelivery(rawBody: string, token: string | undefined): WebhookDelivery {
  return {
    headers: { 'content-type': 'application/json', ...(token !== undefined ? { 'x-wekan-token': token } : {}) },
    query: new URLSearchParams(),
    rawBody: Buffer.from(rawBody),
  };
}

let sent = 0;

describeBoardConformance(
  'wekan (fake server)',
  async () => {
    const timeoutMs = 1_500;
    const fx = await startWekanFixture({ webhookToken: TOKEN, timeoutMs });
    const human = fx.fake.human('alice');
    const isCreate = (path: string) => /^\/api\/boards\/[^/]+\/lists\/[^/]+\/cards$/.test(path);
    const isComment = (path: string) => /\/comments$/.test(path);
    return {
      adapter: fx.adapter,
      humanEdit: async (taskId, patch) => fx.humanEdit(human, taskId, patch),
      humanCreate: async (fields) => fx.humanCreate(human, fields),
      humanDelete: async (taskId) => human.deleteCard(taskId),
      teardown: () => fx.stop(),
      faults: {
        inject: ({ on, ...fault }) =>
          fx.fake.fail({
            ...fault,
            ...(on === 'any'
              ? {}
              : { when: (r) => r.method === 'POST' && (on === 'create' ? isCreate(r.path) : isComment(r.path)) }),
          }),
        timeoutMs,
        // WeKan throttles only failed logins (server/apiAuthRoutes.js): 429, Retry-After in seconds.
        rateLimited: {
          status: 429,
          headers: { 'retry-after': '30' },
          body: '{"error":"too-many-requests","reason":"Too many failed login attempts. Try again later."}',
          waitMs: 30_000,
        },
      },
      webhooks: {
        genuine: (taskId, kind) => {
          const body = {
            text: `alice act-${kind === 'task' ? 'moveCard' : 'addComment'} ${++sent}`,
            cardId: taskId,
            boardId: fx.fake.board._id,
            user: 'alice',
            ...(kind === 'comment' ? { comment: 'hi', commentId: `c${sent}` } : {}),
            description: kind === 'task' ? 'act-moveCard' : 'act-addComment',
          };
          return wekanDelivery(JSON.stringify(body), TOKEN);
        },
        withoutCredential: (d) => wekanDelivery(d.rawBody.toString(), undefined),
        withWrongCredential: (d) => wekanDelivery(d.rawBody.toString(), 'not-the-token'),
        withBody: (_d, rawBody) => wekanDelivery(rawBody, TOKEN),
      },
    };
  },
  { transport: true, webhooks: 'token', priority: false },
);
