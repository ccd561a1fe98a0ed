import { registerSecretValue } from '../logger';
import { ReadOnlySecretStoreError, type SecretStore } from './secret-store';

/**
 * Secrets from environment variables, for servers without a keychain.
 * Read-only: the service manager (systemd, Docker, CI) owns the values.
 */
export class EnvSecretStore implements SecretStore {
  readonly backend = 'env' as const;

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** The variable names the config references; `list` reports those that are set. */
    private readonly knownNames: readonly string[] = [],
  ) {}

  async get(name: string): Promise<string | undefined> {
    const value = this.env[name];
    if (value === undefined || value === '') return undefined;
    registerSecretValue(value);
    return value;
  }

  async set(name: string): Promise<void> {
    throw new ReadOnlySecretStoreError(name);
  }

  async delete(name: string): Promise<boolean> {
    throw new ReadOnlySecretStoreError(name);
  }

  async list(): Promise<string[]> {
    return this.knownNames.filter((n) => this.env[n] !== undefined && this.env[n] !== '').sort();
  }
}
