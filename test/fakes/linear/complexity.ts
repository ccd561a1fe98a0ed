import {
  getNamedType,
  isLeafType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  isObjectType,
  isInterfaceType,
} from 'graphql';

/**
 * A query's complexity as Linear documents it (linear.app/developers/rate-limiting):
 * each scalar field 0.1 point, each object 1 point, and a connection's
 * selection multiplied by its `first` (or `last`; 50 when neither is given),
 * rounded up. It is worked out from the document, before anything is read:
 * an empty page costs what a full one does.
 */
export function complexityOf(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  const root = operation.operation === 'mutation' ? schema.getMutationType()! : schema.getQueryType()!;
  return Math.ceil(selectionCost(schema, root, operation.selectionSet, fragments, variables) - 1e-9);
}

function argNumber(value: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

function selectionCost(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  set: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD || selection.kind === Kind.INLINE_FRAGMENT) {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments[selection.name.value] : selection;
      if (!fragment) continue;
      const on = fragment.typeCondition
        ? (schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType)
        : parent;
      total += selectionCost(schema, on, fragment.selectionSet, fragments, variables);
      continue;
    }
    if (selection.name.value === '__typename') continue;
    if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
    const field = parent.getFields()[selection.name.value];
    if (!field) continue;
    const type = getNamedType(field.type);
    if (isLeafType(type) || !selection.selectionSet) {
      total += 0.1;
      continue;
    }
    let inner = selectionCost(schema, type as GraphQLCompositeType, selection.selectionSet, fragments, variables);
    if (type.name.endsWith('Connection')) {
      const arg = (name: string) => selection.arguments?.find((a) => a.name.value === name)?.value;
      const size = argNumber(arg('first'), variables) ?? argNumber(arg('last'), variables) ?? 50;
      inner *= size;
    }
    total += 1 + inner;
  }
  return total;
}
