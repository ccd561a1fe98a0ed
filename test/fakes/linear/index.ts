/** A fake Linear (GraphQL API) for tests and benchmarks; see server.ts for where each behaviour comes from. */
import { FakeLinear, type FakeLinearOptions } from './server';

export {
  FakeLinear,
  type Fault,
  type FaultRequest,
  type FakeStats,
  type FakeLinearOptions,
  type WebhookDeliveryLog,
} from './server';
export { HumanActions, type HumanIssueFields } from './human';
export { LinearStore, DEFAULT_STATES, type IssueRow, type CommentRow, type StateSeed, type UserRow } from './store';
export { linearMarkdown } from './markdown';

/** Starts a fake Linear on 127.0.0.1 (a free port); `close()` it when done. */
export function startFakeLinear(options: FakeLinearOptions = {}): Promise<FakeLinear> {
  return FakeLinear.start(options);
}
