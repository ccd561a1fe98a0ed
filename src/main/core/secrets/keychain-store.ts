import { createRequire } from 'node:module';
import { registerSecretValue } from '../logger';
import { KeychainUnavailableError, type SecretStore } from './secret-store';

import type * as KeytarModule from 'keytar';

type Keytar = typeof KeytarModule;

export const DEFAULT_KEYCHAIN_SERVICE = 'deckhand';

/** Messages keytar/libsecret give when there is no usable Secret Service, rather than a real failure. */
const UNAVAILABLE_PATTERNS = [
  /dbus/i,
  /org\.freedesktop\.secrets/i,
  /Object does not exist at path/i,
  /Cannot autolaunch/i,
  /Could not connect/i,
  /no such secret collection/i,
  /Cannot create an item in a locked collection/i,
  /The name .* was not provided/i,
];

function isUnavailable(message: string): boolean {
  return UNAVAILABLE_PATTERNS.some((p) => p.test(message));
}

let keytarModule: Keytar | undefined;

/** keytar is loaded on first use so a machine without it can still run with env secrets. */
function loadKeytar(): Keytar {
  if (keytarModule) return keytarModule;
  try {
    keytarModule = createRequire(__filename)('keytar') as Keytar;
    return keytarModule;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new KeychainUnavailableError(`the keytar module could not be loaded: ${why}`);
  }
}

/** Secrets in the OS keychain (Secret Service, macOS Keychain, Windows Credential Manager) via keytar. */
export class KeychainSecretStore implements SecretStore {
  readonly backend = 'keychain' as const;

  constructor(private readonly service: string = DEFAULT_KEYCHAIN_SERVICE) {}

  private async run<T>(op: (keytar: Keytar) => Promise<T>): Promise<T> {
    const keytar = loadKeytar();
    try {
      return await op(keytar);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (isUnavailable(message)) throw new KeychainUnavailableError(message);
      throw err;
    }
  }

  async get(name: string): Promise<string | undefined> {
    const value = await this.run((k) => k.getPassword(this.service, name));
    if (value === null) return undefined;
    registerSecretValue(value);
    return value;
  }

  async set(name: string, value: string): Promise<void> {
    registerSecretValue(value);
    await this.run((k) => k.setPassword(this.service, name, value));
  }

  async delete(name: string): Promise<boolean> {
    return this.run((k) => k.deletePassword(this.service, name));
  }

  async list(): Promise<string[]> {
    const creds = await this.run((k) => k.findCredentials(this.service));
    return creds.map((c) => c.account).sort();
  }
}
