import { BoardError } from '../contract/errors';

/** One entry of `board.cardProperties` (webapp src/blocks/board.ts IPropertyTemplate). */
export interface PropertyTemplate {
  id: string;
  name: string;
  type: string;
  options?: PropertyOption[];
}

/** A select or multi-select option: `value` is its shown name. */
export interface PropertyOption {
  id: string;
  value: string;
  color?: string;
}

/** What `properties:` in the config may name. */
export interface PropertyNames {
  status?: string | undefined;
  labels?: string | undefined;
  assignee?: string | undefined;
  priority?: string | undefined;
  due?: string | undefined;
  agent_notes?: string | undefined;
}

/**
 * The card property Deckhand keeps a subtask's parent card id in: Focalboard
 * has no card-to-card relation, so a text property is the link, added to the
 * board when missing.
 */
export const PARENT_PROPERTY = 'Parent card';

/** The templates each canonical field reads and writes; undefined = not synced. */
export interface PropertyMap {
  status: PropertyTemplate;
  labels?: PropertyTemplate;
  assignee?: PropertyTemplate;
  priority?: PropertyTemplate;
  due?: PropertyTemplate;
  agentNotes?: PropertyTemplate;
  parent?: PropertyTemplate;
}

type Field = keyof PropertyNames;

/** The types each field accepts (Focalboard's property type names). */
const TYPES: Record<Field, string> = {
  status: 'select',
  labels: 'multiSelect',
  assignee: 'person',
  priority: 'select',
  due: 'date',
  agent_notes: 'text',
};

/** Defaults by name where a board commonly has several properties of one type. */
const DEFAULT_NAMES: Partial<Record<Field, RegExp>> = {
  priority: /^priority$/i,
  due: /^(due|due date|deadline)$/i,
};

function listing(templates: readonly PropertyTemplate[]): string {
  return templates.map((p) => `${p.name} (${p.type})`).join(', ') || '(none)';
}

/**
 * Finds the card property for each canonical field: the one the config
 * names, else a default by type (a select named Status or the first select,
 * the first multi-select, the first person property) or by a usual name
 * (Priority, Due). A property the config names that is missing or of the
 * wrong type is an error naming it and listing what the board has. Agent
 * notes use a property only when the config names one (else a text block).
 */
export function resolveProperties(
  templates: readonly PropertyTemplate[],
  names: PropertyNames,
  where: string,
): PropertyMap {
  const pick = (field: Field): PropertyTemplate | undefined => {
    const type = TYPES[field];
    const wanted = names[field];
    if (wanted !== undefined) {
      const found =
        templates.find((p) => p.name === wanted) ??
        templates.find((p) => p.name.toLowerCase() === wanted.toLowerCase());
      if (!found) {
        throw new BoardError(
          'invalid',
          `properties.${field}: ${where} has no card property "${wanted}"; its properties: ${listing(templates)}`,
        );
      }
      if (found.type !== type) {
        throw new BoardError(
          'invalid',
          `properties.${field}: card property "${found.name}" is ${found.type}, expected ${type}; its properties: ${listing(templates)}`,
        );
      }
      return found;
    }
    if (field === 'agent_notes') return undefined;
    const ofType = templates.filter((p) => p.type === type);
    const byName = DEFAULT_NAMES[field];
    if (byName) return ofType.find((p) => byName.test(p.name));
    if (field === 'status')
      return ofType.find((p) => /^status$/i.test(p.name)) ?? ofType.find((p) => !/^priority$/i.test(p.name));
    return ofType[0];
  };

  const status = pick('status');
  if (!status) {
    throw new BoardError(
      'invalid',
      `properties.status: ${where} has no select card property to use as columns (add one named Status); its properties: ${listing(templates)}`,
    );
  }
  const parent = templates.find((p) => p.name === PARENT_PROPERTY);
  if (parent && parent.type !== 'text') {
    throw new BoardError(
      'invalid',
      `${where} has a card property "${PARENT_PROPERTY}" of type ${parent.type}; Deckhand keeps a subtask's parent there and needs it to be text (rename or retype it)`,
    );
  }
  const map: PropertyMap = { status };
  const optional = {
    labels: pick('labels'),
    assignee: pick('assignee'),
    priority: pick('priority'),
    due: pick('due'),
    agentNotes: pick('agent_notes'),
    parent,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value) (map as unknown as Record<string, PropertyTemplate>)[key] = value;
  }
  if (map.priority && map.priority.id === status.id) delete map.priority;
  return map;
}

/** Canonical priorities 1..4 as option names (0 is no value); reading also knows Focalboard's "1. High 🔥". */
export const PRIORITY_NAMES = ['', 'Low', 'Medium', 'High', 'Urgent'] as const;

export function priorityFromOption(name: string | undefined): number {
  if (!name) return 0;
  for (let level = 4; level >= 1; level--) {
    if (new RegExp(`\\b${PRIORITY_NAMES[level]}\\b`, 'i').test(name)) return level;
  }
  return 0;
}
