import type { Migration } from '../migrate';
import { migration001Settings } from './001-settings';
import { migration002SyncLog } from './002-sync-log';
import { migration003Pauses } from './003-pauses';
import { migration004LocalBoard } from './004-local-board';
import { migration005Engine } from './005-engine';
import { migration006Ownership } from './006-ownership';
import { migration007Agents } from './007-agents';
import { migration008RunBasis } from './008-run-basis';
import { migration009UncostedUsage } from './009-uncosted-usage';

/** Every schema migration, in order. Append only; never edit a migration that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  migration001Settings,
  migration002SyncLog,
  migration003Pauses,
  migration004LocalBoard,
  migration005Engine,
  migration006Ownership,
  migration007Agents,
  migration008RunBasis,
  migration009UncostedUsage,
];
