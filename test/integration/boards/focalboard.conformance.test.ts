import { describeBoardConformance } from '../../conformance/board-conformance';
import { startFocalboardFixture } from '../../boards/focalboard';

describeBoardConformance(
  'focalboard (fake server)',
  async () => {
    const timeoutMs = 1_500;
    const fx = await startFocalboardFixture({ timeoutMs });
    const human = fx.fake.human('alice');
    const blocksPost = (r: { method: string; path: string }) => r.method === 'POST' && /\/blocks$/.test(r.path);
    const isCreate = (r: { method: string; path: string; body: unknown }) =>
      blocksPost(r) && Array.isArray(r.body) && (r.body as { type?: string }[]).some((b) => b.type === 'card');
    const isComment = (r: { method: string; path: string; body: unknown }) =>
      blocksPost(r) && Array.isArray(r.body) && (r.body as { type?: string }[]).some((b) => b.type === 'comment');
    return {
      adapter: fx.adapter,
      humanEdit: async (taskId, patch) => fx.humanEdit(human, taskId, patch),
      humanCreate: async (fields) => fx.humanCreate(human, fields),
      humanDelete: async (taskId) => human.deleteCard(taskId),
      teardown: () => fx.stop(),
      faults: {
        inject: ({ on, ...fault }) =>
          fx.fake.fail({ ...fault, ...(on === 'any' ? {} : { when: on === 'create' ? isCreate : isComment }) }),
        timeoutMs,
        // Focalboard throttles nothing itself; a proxy in front answers 429 with a Retry-After in seconds.
        rateLimited: {
          status: 429,
          headers: { 'retry-after': '20', 'content-type': 'text/plain' },
          body: 'Too Many Requests',
          waitMs: 20_000,
        },
      },
    };
  },
  { transport: true },
);
