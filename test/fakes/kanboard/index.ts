/** A fake Kanboard JSON-RPC server for tests and benchmarks. */
export { FakeKanboard, type Fault, type FakeStats, type FakeKanboardOptions, type WebhookDelivery } from './server';
export { HumanActions, type HumanTaskFields } from './human';
export { KanboardStore, type TaskRow, type UserRow, type ProjectRow } from './store';
export { seedStandardBoard, type StandardBoard } from './seed';
