import { KeychainUnavailableError, ReadOnlySecretStoreError } from '../secrets/secret-store';
import { UserFacingError, type Handlers } from './dispatch';
import type { CoreServices } from './services';

/** Keychain errors are the user's to fix (start the keyring, use env vars), so they pass through as-is. */
async function userFacing<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof KeychainUnavailableError || err instanceof ReadOnlySecretStoreError) {
      throw new UserFacingError('unavailable', err.message);
    }
    throw err;
  }
}

/** Secrets go in, names come out: no call ever returns a secret's value. */
export function secretHandlers(s: CoreServices): Pick<Handlers, 'listSecrets' | 'setSecret' | 'deleteSecret'> {
  const { keychain, env } = s.secrets;
  return {
    listSecrets: () =>
      userFacing(async () => {
        const [k, e] = await Promise.all([keychain.list(), env.list()]);
        return [
          ...k.map((name) => ({ name, backend: 'keychain' as const })),
          ...e.map((name) => ({ name, backend: 'env' as const })),
        ];
      }),
    setSecret: ({ name, value }, ctx) =>
      userFacing(async () => {
        await keychain.set(name, value);
        s.log.append({
          actor: `human:${ctx.transport}`,
          action: 'secret.set',
          field: name,
          reason: 'stored in keychain',
        });
        return { name };
      }),
    deleteSecret: ({ name }, ctx) =>
      userFacing(async () => {
        const deleted = await keychain.delete(name);
        if (deleted) s.log.append({ actor: `human:${ctx.transport}`, action: 'secret.delete', field: name });
        return { name, deleted };
      }),
  };
}
