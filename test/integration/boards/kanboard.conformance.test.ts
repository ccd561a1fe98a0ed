import type { WebhookDelivery } from '../../../src/main/core/boards/contract/adapter';
import { describeBoardConformance } from '../../conformance/board-conformance';
import { humanFields, startKanboard } from '../../boards/kanboard';

const WEBHOOK_TOKEN = 'kb-webhook-token-conformance';

/** Kanboard's webhook (Settings > Webhooks): one POST of `{event_name, event_data, event_author}` to `?token=`. */
function kanboardDelivery(rawBody: string, token: string | null): WebhookDelivery {
  return {
    headers: { 'content-type': 'application/json' },
    query: new URLSearchParams(token === null ? {} : { token }),
    rawBody: Buffer.from(rawBody),
  };
}

for (const mode of ['app', 'user'] as const) {
  describeBoardConformance(
    `kanboard (fake server, ${mode === 'app' ? 'application token' : 'user token'})`,
    async () => {
      const timeoutMs = 1_500;
      const { fake, board, adapter } = await startKanboard(mode, { webhookToken: WEBHOOK_TOKEN, timeoutMs });
      const human = fake.human('alice');
      const methodOf = { create: 'createTask', comment: 'createComment' } as const;
      return {
        adapter,
        humanEdit: (taskId, patch) => human.updateTask(Number(taskId), humanFields(patch)),
        humanCreate: async (fields) =>
          String(await human.createTask(board.projectId, { ...humanFields(fields), title: fields.title })),
        humanDelete: (taskId) => human.removeTask(Number(taskId)),
        teardown: () => fake.stop(),
        faults: {
          inject: ({ on, ...fault }) =>
            fake.faults.push({
              ...fault,
              ...(on === 'any' ? {} : { when: (methods) => methods.includes(methodOf[on]) }),
            }),
          timeoutMs,
          // Kanboard has no rate limit of its own; the reverse proxy in front of it (nginx limit_req) answers so.
          rateLimited: { status: 429, headers: { 'retry-after': '7' }, body: '', waitMs: 7_000 },
        },
        webhooks: {
          genuine: (taskId, kind) => {
            const id = Number(taskId);
            const body =
              kind === 'task'
                ? { event_name: 'task.update', event_data: { task_id: id, task: { id, project_id: board.projectId } } }
                : {
                    event_name: 'comment.create',
                    event_data: { comment: { id: Date.now(), task_id: id }, task: { id, project_id: board.projectId } },
                  };
            return kanboardDelivery(JSON.stringify({ ...body, event_author: 'alice' }), WEBHOOK_TOKEN);
          },
          withoutCredential: (d) => kanboardDelivery(d.rawBody.toString(), null),
          withWrongCredential: (d) => kanboardDelivery(d.rawBody.toString(), 'not-the-token'),
          withBody: (_d, rawBody) => kanboardDelivery(rawBody, WEBHOOK_TOKEN),
        },
      };
    },
    { transport: true, webhooks: 'token' },
  );
}
