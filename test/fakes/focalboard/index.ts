import { FakeFocalboard, type FakeFocalboardOptions } from './server';

export { FakeFocalboard, DEFAULT_STATUSES, type Fault, type FakeFocalboardOptions, type FakeStats } from './server';
export { HumanFocalboard, type HumanCardValues } from './human';
export type { BlockRow, BoardRow, UserRow } from './store';

export const startFakeFocalboard = (options: FakeFocalboardOptions = {}): Promise<FakeFocalboard> =>
  FakeFocalboard.start(options);
