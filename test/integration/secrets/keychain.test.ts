import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../../src/main/core/secrets/keychain-store';
import { EnvSecretStore } from '../../../src/main/core/secrets/env-store';
import { MissingSecretError, resolveSecret } from '../../../src/main/core/secrets/resolve';
import { ReadOnlySecretStoreError } from '../../../src/main/core/secrets/secret-store';

// These tests talk to the real OS keychain. On Linux, `npm test` runs them inside
// dbus-run-session with a throwaway, unlocked gnome-keyring (scripts/test-all.sh).

describe('KeychainSecretStore (real keychain)', () => {
  it('stores, reads, lists and deletes a secret', async () => {
    const store = new KeychainSecretStore(`deckhand-test-${randomUUID()}`);
    const value = `v-${randomUUID()}`;
    await store.set('kanboard-token', value);
    expect(await store.get('kanboard-token')).toBe(value);
    expect(await store.list()).toEqual(['kanboard-token']);
    expect(await store.delete('kanboard-token')).toBe(true);
    expect(await store.get('kanboard-token')).toBeUndefined();
    expect(await store.delete('kanboard-token')).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('says there is no keychain, and what to do, when the Secret Service is unreachable', () => {
    // A separate process, because libsecret keeps its first D-Bus connection for the process lifetime.
    const probe = join(__dirname, '..', '..', 'fixtures', 'keychain-probe.ts');
    const result = spawnSync(process.execPath, ['--import', 'tsx', probe], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/deckhand-bus', DISPLAY: '' },
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^KeychainUnavailableError: No OS keychain is available/);
    expect(result.stdout).toMatch(/\{ env: VARIABLE_NAME \}/);
  });
});

describe('EnvSecretStore', () => {
  it('reads variables, lists only the set ones it knows, and refuses writes', async () => {
    const store = new EnvSecretStore({ KB_TOKEN: 'abc123', EMPTY: '' }, ['KB_TOKEN', 'EMPTY', 'MISSING']);
    expect(await store.get('KB_TOKEN')).toBe('abc123');
    expect(await store.get('EMPTY')).toBeUndefined();
    expect(await store.list()).toEqual(['KB_TOKEN']);
    await expect(store.set('KB_TOKEN')).rejects.toThrow(ReadOnlySecretStoreError);
  });
});

describe('resolveSecret', () => {
  it('uses the backend the reference names, and tells how to fix a missing one', async () => {
    const keychain = new KeychainSecretStore(`deckhand-test-${randomUUID()}`);
    await keychain.set('tok', 'from-keychain');
    const backends = { keychain, env: new EnvSecretStore({ TOK: 'from-env' }) };
    expect(await resolveSecret({ keychain: 'tok' }, backends)).toBe('from-keychain');
    expect(await resolveSecret({ env: 'TOK' }, backends)).toBe('from-env');
    await expect(resolveSecret({ keychain: 'nope' }, backends)).rejects.toThrow(MissingSecretError);
    await expect(resolveSecret({ keychain: 'nope' }, backends)).rejects.toThrow(/deckhand secrets set nope/);
    await expect(resolveSecret({ env: 'NOPE' }, backends)).rejects.toThrow(/environment variable NOPE/);
    await keychain.delete('tok');
  });
});
