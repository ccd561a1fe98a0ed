import { describeBoardConformance } from '../../conformance/board-conformance';
import { startPlaneFixture } from '../../boards/plane';

describeBoardConformance('plane (fake server)', async () => {
  const fx = await startPlaneFixture();
  const human = fx.fake.human('alice');
  return {
    adapter: fx.adapter,
    humanEdit: (taskId, patch) => human.update(taskId, fx.humanFields(patch)),
    humanCreate: async (fields) => (await human.createWorkItem({ ...fx.humanFields(fields), name: fields.title })).id,
    humanDelete: (taskId) => human.deleteWorkItem(taskId),
    teardown: () => fx.stop(),
  };
});
