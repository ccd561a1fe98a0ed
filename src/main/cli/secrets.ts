import { secretNameSchema } from '../../shared/contract';
import { KeychainSecretStore } from '../core/secrets/keychain-store';
import { UsageError } from './args';

function checkName(name: string | undefined): string {
  if (!name) throw new UsageError('a secret NAME is required');
  const parsed = secretNameSchema.safeParse(name);
  if (!parsed.success) throw new UsageError(`NAME ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return name;
}

/** Reads the value from stdin: hidden typing on a terminal, or everything piped in (one trailing newline dropped). */
async function readSecretValue(name: string): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    process.stderr.write(`Value for ${name} (input hidden): `);
    stdin.setRawMode(true);
    let value = '';
    try {
      for await (const chunk of stdin) {
        const text = (chunk as Buffer).toString('utf8');
        if (text === '\u0003') throw new UsageError('cancelled');
        if (text === '\r' || text === '\n') break;
        value = text === '\u007f' ? value.slice(0, -1) : value + text;
      }
    } finally {
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    }
    return value;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function secretsCommand(args: string[]): Promise<number> {
  const [action, name, ...rest] = args;
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const store = new KeychainSecretStore();
  switch (action) {
    case 'set': {
      const key = checkName(name);
      const value = await readSecretValue(key);
      if (value === '')
        throw new UsageError('the value is empty; pipe it in, e.g. printf %s "$TOKEN" | deckhand secrets set NAME');
      await store.set(key, value);
      process.stdout.write(`stored ${key} in the OS keychain\n`);
      return 0;
    }
    case 'delete': {
      const key = checkName(name);
      const deleted = await store.delete(key);
      process.stdout.write(deleted ? `deleted ${key}\n` : `no secret named ${key}\n`);
      return deleted ? 0 : 1;
    }
    case 'list': {
      if (name) throw new UsageError('list takes no NAME');
      const names = await store.list();
      process.stdout.write(names.length ? names.join('\n') + '\n' : 'no secrets stored\n');
      return 0;
    }
    default:
      throw new UsageError('usage: deckhand secrets set NAME | delete NAME | list');
  }
}
