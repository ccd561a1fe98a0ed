import { describeBoardConformance } from '../../conformance/board-conformance';
import { humanFields, startKanboard } from './kanboard-harness';

for (const mode of ['app', 'user'] as const) {
  describeBoardConformance(
    `kanboard (fake server, ${mode === 'app' ? 'application token' : 'user token'})`,
    async () => {
      const { fake, board, adapter } = await startKanboard(mode);
      const human = fake.human('alice');
      return {
        adapter,
        humanEdit: (taskId, patch) => human.updateTask(Number(taskId), humanFields(patch)),
        humanCreate: async (fields) =>
          String(await human.createTask(board.projectId, { ...humanFields(fields), title: fields.title })),
        humanDelete: (taskId) => human.removeTask(Number(taskId)),
        teardown: () => fake.stop(),
      };
    },
  );
}
