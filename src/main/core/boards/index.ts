import { z } from 'zod';
import type { BoardTypeInfo } from '../../../shared/board-types';
import type { BoardAdapter } from './contract/adapter';
import type { AnyBoardModule, BoardModuleDeps } from './contract/module';
import { focalboardModule } from './focalboard/module';
import { kanboardModule } from './kanboard/module';
import { linearModule } from './linear/module';
import { localModule } from './local/module';
import { notionModule } from './notion/module';
import { planeModule } from './plane/module';
import { taigaModule } from './taiga/module';
import { wekanModule } from './wekan/module';

/**
 * Every board type Deckhand can sync: the one list a new board type is added
 * to. The config's board entry, the connection form, `deckhand check` and
 * adapter creation all come from it.
 */
export const BOARD_MODULES = [
  localModule,
  kanboardModule,
  planeModule,
  taigaModule,
  linearModule,
  notionModule,
  wekanModule,
  focalboardModule,
] as const;

/**
 * Types the product promises that have no module in this version yet. A
 * config naming one is told so, instead of "unknown type".
 */
const PLANNED_TYPES: readonly string[] = [];

export type BoardType = (typeof BOARD_MODULES)[number]['type'];
export const SUPPORTED_BOARD_TYPES: readonly BoardType[] = BOARD_MODULES.map((m) => m.type);

type Modules = typeof BOARD_MODULES;
/** The modules' entry schemas as a tuple (a mapped type over a type parameter keeps tuples tuples). */
type SchemasOf<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: T[K] extends { configSchema: infer S } ? S : never;
};
type EntrySchemas = SchemasOf<Modules>;

/** The config's board entry: a union of the modules' own entries, told apart by `type`. */
export const boardConfigSchema = z.discriminatedUnion(
  'type',
  BOARD_MODULES.map((m) => m.configSchema) as unknown as EntrySchemas,
  {
    error: (iss) => {
      if (iss.code !== 'invalid_union') return undefined;
      const type = (iss.input as { type?: unknown } | undefined)?.type;
      const supported = SUPPORTED_BOARD_TYPES.join(', ');
      if (type === undefined) return `required; one of: ${supported}`;
      if (PLANNED_TYPES.includes(type as string)) {
        return `"${String(type)}" boards are not supported in this version of Deckhand yet; supported: ${supported}`;
      }
      const shown = typeof type === 'string' && type.length <= 40 ? `"${type}"` : 'something else';
      return `expected one of: ${supported}, got ${shown}`;
    },
  },
);

export type BoardConfig = z.output<typeof boardConfigSchema>;

/**
 * Keys some board module knows. An entry whose type has no module cannot be
 * checked by a module's schema, so its other keys are checked against these
 * and a typo is still reported with the type.
 */
export const KNOWN_BOARD_KEYS: ReadonlySet<string> = new Set(
  BOARD_MODULES.flatMap((m) => Object.keys(m.configSchema.shape)),
);

export function boardModule(type: string): AnyBoardModule | undefined {
  return BOARD_MODULES.find((m) => m.type === type);
}

/** The connection form's description of each type. */
export function boardTypeInfos(): BoardTypeInfo[] {
  return BOARD_MODULES.map((m) => ({ type: m.type, label: m.label, available: true, fields: [...m.settingsFields] }));
}

/** Builds the adapter for one configured board. */
export function createAdapter(board: BoardConfig, deps: BoardModuleDeps): Promise<BoardAdapter> {
  const module = boardModule(board.type);
  if (!module) throw new Error(`board ${board.id}: no module for board type "${board.type}"`);
  return module.create(board, deps);
}

export type { BoardModuleDeps as AdapterDeps } from './contract/module';
export { LocalBoardStore } from './local/local-board-store';
