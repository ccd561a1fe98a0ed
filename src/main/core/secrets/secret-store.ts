/** Where secrets live. Config and the database only ever hold a secret's name. */
export interface SecretStore {
  readonly backend: 'keychain' | 'env';
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  /** Resolves false when there was nothing to delete. */
  delete(name: string): Promise<boolean>;
  /** Names only, never values. */
  list(): Promise<string[]>;
}

/** A reference to a secret as written in config: `{ keychain: NAME }` or `{ env: NAME }`. */
export type SecretRef = { keychain: string } | { env: string };

export class KeychainUnavailableError extends Error {
  constructor(cause: string) {
    super(
      `No OS keychain is available (${cause}). ` +
        'On a desktop, make sure your keyring is running and unlocked (GNOME Keyring or KWallet on Linux, ' +
        'Keychain on macOS, Credential Manager on Windows). On a server without a keychain, reference secrets ' +
        'from environment variables instead: write { env: VARIABLE_NAME } in the config and export that variable.',
    );
    this.name = 'KeychainUnavailableError';
  }
}

export class ReadOnlySecretStoreError extends Error {
  constructor(name: string) {
    super(
      `Secret "${name}" cannot be written: secrets come from environment variables on this server. ` +
        'Set the variable in the service environment instead.',
    );
    this.name = 'ReadOnlySecretStoreError';
  }
}
