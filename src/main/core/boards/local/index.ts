/** The built-in local board: its store (for the UI) and its adapter (for the engine). */
export { LocalBoardStore, SAMPLE_ACTOR, type LocalBoardStoreOptions } from './local-board-store';
export { LocalBoardAdapter, DECKHAND_ACTOR, type LocalAdapterOptions } from './local-adapter';
export { failTimes, type BoardFaults, type LocalBoardOp } from './faults';
export { normaliseLabels } from '../contract/canonical';
export * from './types';
