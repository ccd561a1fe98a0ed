/** A fake Notion (REST API 2025-09-03) for tests and benchmarks; see server.ts for what it is built from. */
import { FakeNotion, type FakeNotionOptions } from './server';

export {
  FakeNotion,
  HumanNotion,
  NOTION_ERRORS,
  errorBody,
  type Fault,
  type FakeNotionOptions,
  type FakeStats,
} from './server';
export { NotionStore, DEFAULT_STATUSES, minuteIso, richText, type PageRow, type PropertySchema } from './store';

/** Starts a fake Notion on 127.0.0.1 (a free port); `close()` it when done. */
export function startFakeNotion(options: FakeNotionOptions = {}): Promise<FakeNotion> {
  return FakeNotion.start(options);
}
