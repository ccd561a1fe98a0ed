import { KeychainUnavailableError } from '../secrets/secret-store';
import { UserFacingError } from './dispatch';

/** Runs a keychain operation for a contract call: a missing keychain is the caller's 'unavailable', not a crash. */
export async function keychainCall<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof KeychainUnavailableError) throw new UserFacingError('unavailable', err.message);
    throw err;
  }
}
