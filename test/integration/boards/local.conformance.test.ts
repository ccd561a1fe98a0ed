import { describeBoardConformance } from '../../conformance/board-conformance';
import { startLocalFixture } from '../../boards/local';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();

describeBoardConformance('local', async () => {
  const fx = startLocalFixture(tempDir(), 'conformance', 'human:conformance');
  return {
    adapter: fx.adapter,
    humanEdit: fx.humanEdit,
    humanCreate: fx.humanCreate,
    humanDelete: fx.humanDelete,
    teardown: fx.stop,
  };
});
