import type { SecretRef, SecretStore } from './secret-store';

export class MissingSecretError extends Error {
  constructor(ref: SecretRef) {
    const how =
      'keychain' in ref
        ? `keychain entry "${ref.keychain}" is not set; run: deckhand secrets set ${ref.keychain}`
        : `environment variable ${ref.env} is not set`;
    super(`Secret missing: ${how}`);
    this.name = 'MissingSecretError';
  }
}

export interface SecretBackends {
  keychain: SecretStore;
  env: SecretStore;
}

/** Looks a config secret reference up in the backend it names. */
export async function resolveSecret(ref: SecretRef, backends: SecretBackends): Promise<string> {
  const value = 'keychain' in ref ? await backends.keychain.get(ref.keychain) : await backends.env.get(ref.env);
  if (value === undefined) throw new MissingSecretError(ref);
  return value;
}
