import { BoardError } from '../contract/errors';

/** One property of the data source's schema, as `GET /v1/data_sources/{id}` describes it. */
export interface SchemaProperty {
  id: string;
  name: string;
  type: string;
  status?: { options: SelectOption[] };
  select?: { options: SelectOption[] };
  multi_select?: { options: SelectOption[] };
  relation?: { data_source_id?: string; database_id?: string };
}

export interface SelectOption {
  id?: string;
  name: string;
  color?: string;
}

/** What `properties:` in the config may name. */
export interface PropertyNames {
  status?: string | undefined;
  labels?: string | undefined;
  assignee?: string | undefined;
  priority?: string | undefined;
  agent_notes?: string | undefined;
  due?: string | undefined;
  parent?: string | undefined;
}

/** The property Deckhand stores its create marker in; added to the data source when missing. */
export const MARKER_PROPERTY = 'Deckhand ID';

/** The data source's properties each canonical field reads and writes; undefined = not synced. */
export interface PropertyMap {
  title: SchemaProperty;
  status: SchemaProperty;
  labels?: SchemaProperty;
  assignee?: SchemaProperty;
  priority?: SchemaProperty;
  agentNotes?: SchemaProperty;
  due?: SchemaProperty;
  parent?: SchemaProperty;
  marker?: SchemaProperty;
}

type Field = keyof PropertyNames;

/** The types each field accepts; the first is what a default is looked for by. */
const TYPES: Record<Field, string[]> = {
  status: ['status', 'select'],
  labels: ['multi_select'],
  assignee: ['people'],
  priority: ['select'],
  agent_notes: ['rich_text'],
  due: ['date'],
  parent: ['relation'],
};

/** Defaults by name for fields where several properties of one type are common (a database has many dates). */
const DEFAULT_NAMES: Partial<Record<Field, RegExp>> = {
  priority: /^priority$/i,
  agent_notes: /^agent notes$/i,
  due: /^(due|due date|deadline)$/i,
  // Notion's sub-items feature adds the pair "Parent item" / "Sub-item"; the child holds its parent here.
  parent: /^parent( item)?$/i,
};

function listing(props: SchemaProperty[]): string {
  return props.map((p) => `${p.name} (${p.type})`).join(', ') || '(none)';
}

/**
 * Finds the property for each canonical field: the one the config names, else
 * a default by type (the status property, the multi-select, the people
 * property) or by a usual name (Priority, Due, Parent item). A property the
 * config names that is missing or of the wrong type is an error naming it and
 * listing what the database has; a default not found leaves the field unsynced.
 */
export function resolveProperties(
  schema: Record<string, SchemaProperty>,
  names: PropertyNames,
  where: string,
  dataSourceId: string,
): PropertyMap {
  const props = Object.values(schema);
  const title = props.find((p) => p.type === 'title');
  if (!title) throw new BoardError('invalid', `${where} has no title property; its properties: ${listing(props)}`);

  const pick = (field: Field): SchemaProperty | undefined => {
    const types = TYPES[field];
    const wanted = names[field];
    if (wanted !== undefined) {
      const found =
        props.find((p) => p.name === wanted) ?? props.find((p) => p.name.toLowerCase() === wanted.toLowerCase());
      if (!found) {
        throw new BoardError(
          'invalid',
          `properties.${field}: ${where} has no property "${wanted}"; its properties: ${listing(props)}`,
        );
      }
      if (!types.includes(found.type)) {
        throw new BoardError(
          'invalid',
          `properties.${field}: property "${found.name}" is ${found.type}, expected ${types.join(' or ')}; its properties: ${listing(props)}`,
        );
      }
      return found;
    }
    const ofType = props.filter((p) => types.includes(p.type));
    const byName = DEFAULT_NAMES[field];
    if (byName) return ofType.find((p) => byName.test(p.name));
    // The status property first, a select only if there is no status property.
    for (const type of types) {
      const candidates = ofType.filter((p) => p.type === type);
      if (candidates.length > 0) return candidates[0];
    }
    return undefined;
  };

  const status = pick('status');
  if (!status) {
    throw new BoardError(
      'invalid',
      `properties.status: ${where} has no status property (or select) to use as columns; its properties: ${listing(props)}`,
    );
  }
  const parent = pick('parent');
  if (parent && names.parent === undefined) {
    // Only a relation to this same data source is a parent link; another relation with that name is something else.
    const to = parent.relation?.data_source_id;
    if (to !== undefined && to !== dataSourceId) return build(undefined);
  }
  return build(parent);

  function build(parentProp: SchemaProperty | undefined): PropertyMap {
    const marker = schema[MARKER_PROPERTY];
    if (marker && marker.type !== 'rich_text') {
      throw new BoardError(
        'invalid',
        `${where} has a property "${MARKER_PROPERTY}" of type ${marker.type}; Deckhand keeps its create marker there and needs it to be text (rename or retype it)`,
      );
    }
    const map: PropertyMap = { title: title!, status: status! };
    const optional = {
      labels: pick('labels'),
      assignee: pick('assignee'),
      priority: pick('priority'),
      agentNotes: pick('agent_notes'),
      due: pick('due'),
      parent: parentProp,
      marker,
    };
    for (const [key, value] of Object.entries(optional)) {
      if (value) (map as unknown as Record<string, SchemaProperty>)[key] = value;
    }
    return map;
  }
}

/** The options of a status or select property, in the database's order. */
export function optionsOf(prop: SchemaProperty): SelectOption[] {
  return prop.status?.options ?? prop.select?.options ?? prop.multi_select?.options ?? [];
}
