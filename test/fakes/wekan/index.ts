/** A fake WeKan (its REST API, WITH_API=true) for tests. */
import { FakeWekan, type FakeWekanOptions } from './server';

export { FakeWekan, type Fault, type FaultRequest, type FakeStats, type FakeWekanOptions } from './server';
export { HumanActions, type HumanCardFields } from './human';
export { WekanStore, meteorId, type CardRow, type UserRow } from './store';

/** Starts a fake WeKan on 127.0.0.1 (a free port). */
export function startFakeWekan(options: FakeWekanOptions = {}): Promise<FakeWekan> {
  return FakeWekan.start(options);
}
