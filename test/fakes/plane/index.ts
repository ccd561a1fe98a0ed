/** A fake Plane (Community Edition, REST API v1) for tests and benchmarks. */
import { FakePlane, type FakePlaneOptions } from './server';

export {
  FakePlane,
  type Fault,
  type FaultRequest,
  type FakeStats,
  type FakePlaneOptions,
  type WebhookConfig,
  type WebhookDeliveryLog,
  type WebhookEvent,
} from './server';
export { HumanActions, type HumanWorkItemFields } from './human';
export {
  PlaneStore,
  DEFAULT_STATE_SEEDS,
  type IssueRow,
  type CommentRow,
  type LabelRow,
  type StateRow,
  type StateSeed,
  type UserRow,
} from './store';

/** Starts a fake Plane on 127.0.0.1 (a free port); `close()` it when done. */
export function startFakePlane(options: FakePlaneOptions = {}): Promise<FakePlane> {
  return FakePlane.start(options);
}
