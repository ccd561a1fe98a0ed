/** Kanboard over JSON-RPC: the module (config, form, adapter factory) and the adapter itself. */
export { kanboardModule, kanboardConfigSchema, type KanboardBoardConfig } from './module';
export { KanboardAdapter, KANBOARD_BOARD_TYPE, type KanboardAdapterOptions } from './kanboard-adapter';
export { verifyKanboardWebhook } from './webhook';
