/** A fake Taiga (taiga-back REST API `/api/v1`) for tests. */
import { FakeTaiga, type FakeTaigaOptions } from './server';

export {
  FakeTaiga,
  type Fault,
  type FaultRequest,
  type FakeStats,
  type FakeTaigaOptions,
  type ThrottleRates,
  type ThrottleScope,
  type WebhookDeliveryRecord,
} from './server';
export { HumanActions, type HumanStoryFields } from './human';
export {
  TaigaStore,
  ApiError,
  type StoryRow,
  type TaskRow,
  type HistoryRow,
  type UserRow,
  type StatusRow,
} from './store';

/** Starts a fake Taiga on 127.0.0.1 (a free port); its API root is `fake.apiUrl`. */
export function startFakeTaiga(options: FakeTaigaOptions = {}): Promise<FakeTaiga> {
  return FakeTaiga.start(options);
}
