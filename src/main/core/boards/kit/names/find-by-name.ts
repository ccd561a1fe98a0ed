import { BoardError } from '../../contract/errors';

/**
 * A board's state, status or label by its name; when the name is unknown the
 * board's directory is read again once (a person may have just added it), and
 * a name still unknown is an error listing the names there are.
 */
export async function findByName<T extends { name: string }>(
  items: () => readonly T[],
  name: string,
  reload: () => Promise<void>,
  unknown: (known: string) => string,
): Promise<T> {
  let found = items().find((item) => item.name === name);
  if (!found) {
    await reload();
    found = items().find((item) => item.name === name);
  }
  if (!found)
    throw new BoardError(
      'invalid',
      unknown(
        items()
          .map((item) => item.name)
          .join(', '),
      ),
    );
  return found;
}
