import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretBackends } from '../../src/main/core/secrets/resolve';
import { EnvSecretStore } from '../../src/main/core/secrets/env-store';
import type { FakeKanboard, StandardBoard } from '../fakes/kanboard';

export interface KanboardConfigOptions {
  /** The webhook token the board is configured with; none leaves `webhook` out. */
  webhookToken?: string;
  columns?: Record<string, string>;
  poll?: string;
}

/**
 * A config file (in `dir`) with one Kanboard board `kb` on the fake, its secrets as `{ env: ... }` references,
 * and the secret backends that hold their values: what a server deployment of Deckhand looks like.
 */
export function writeKanboardConfig(
  dir: string,
  fake: FakeKanboard,
  board: StandardBoard,
  options: KanboardConfigOptions = {},
): { configPath: string; secrets: SecretBackends } {
  const configPath = join(dir, 'deckhand.yaml');
  writeFileSync(
    configPath,
    [
      'schema_version: 1',
      'boards:',
      '  - id: kb',
      '    type: kanboard',
      `    url: ${fake.url}`,
      `    project: ${board.projectName}`,
      '    token: { env: KB_TOKEN }',
      ...(options.webhookToken ? ['    webhook: { token: { env: KB_WEBHOOK_TOKEN } }'] : []),
      ...(options.poll ? [`    poll: { interval: ${options.poll} }`] : []),
      ...(options.columns
        ? ['    columns:', ...Object.entries(options.columns).map(([role, name]) => `      ${role}: ${name}`)]
        : []),
      '',
    ].join('\n'),
  );
  const env = new EnvSecretStore({
    KB_TOKEN: board.appToken,
    ...(options.webhookToken ? { KB_WEBHOOK_TOKEN: options.webhookToken } : {}),
  });
  return { configPath, secrets: { keychain: env, env } };
}
