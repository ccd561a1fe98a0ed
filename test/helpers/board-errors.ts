import { expect } from 'vitest';
import { BoardError } from '../../src/main/core/boards/contract/errors';

/** The BoardError a call is rejected with (failing the test when it resolves, or throws something else). */
export async function rejection(promise: Promise<unknown>): Promise<BoardError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BoardError);
  return err as BoardError;
}
