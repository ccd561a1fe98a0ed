import { resolve } from 'node:path';
import { checkConfigFile } from '../core/config';
import { parse, UsageError } from './args';

/** Validates a config file and prints every problem, not just the first. */
export async function checkCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' } });
  if (!values.config) throw new UsageError('check needs --config FILE');
  const file = resolve(values.config);
  const problems = checkConfigFile(file);
  if (problems.length === 0) {
    process.stdout.write(`ok: ${values.config} is a valid Deckhand config\n`);
    return 0;
  }
  for (const p of problems) {
    // A syntax error is located at `<resolved file>:line:col`; show it as the name given, like compilers do.
    const where = p.path.startsWith(`${file}:`)
      ? `${values.config}${p.path.slice(file.length)}`
      : `${values.config}: ${p.path}`;
    process.stdout.write(`${where}: ${p.message}\n`);
  }
  process.stdout.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} found\n`);
  return 1;
}
