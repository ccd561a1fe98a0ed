/**
 * The `deckhand` command. Runs under plain Node (no Electron): serve the core
 * headless, check a config, manage keychain secrets, and talk to a running server.
 */
import { ApiError } from '../shared/contract';
import { UsageError } from './cli/args';
import { checkCommand } from './cli/check';
import { logCommand } from './cli/log';
import { mcpCommand } from './cli/mcp';
import { secretsCommand } from './cli/secrets';
import { serveCommand } from './cli/serve';
import { pauseCommand, statusCommand } from './cli/status';
import { ConfigInvalidError } from './core/app';
import { VERSION } from './core/version';

const USAGE = `deckhand ${VERSION}

usage:
  deckhand serve   [--config FILE] [--data DIR] [--host 127.0.0.1] [--port 7717]
  deckhand check   --config FILE
  deckhand secrets set NAME          (value read from stdin)
  deckhand secrets delete NAME | list
  deckhand status  [--json] [--url http://127.0.0.1:7717]
  deckhand pause   [AGENT] [--reason TEXT] | resume [AGENT]   (no AGENT: all agents)
  deckhand log     [--follow] [--json] [--board ID] [--task ID] [--actor WHO]
  deckhand mcp     --agent ID [--url http://127.0.0.1:7717] [--keychain NAME]
                   (MCP over stdio, relayed to a running serve; token from DECKHAND_MCP_TOKEN or the keychain)
  deckhand --version
`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(rest);
    case 'check':
      return checkCommand(rest);
    case 'secrets':
      return secretsCommand(rest);
    case 'status':
      return statusCommand(rest);
    case 'log':
      return logCommand(rest);
    case 'mcp':
      return mcpCommand(rest);
    case 'pause':
      return pauseCommand(rest, true);
    case 'resume':
      return pauseCommand(rest, false);
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

export function main(argv: string[] = process.argv.slice(2)): void {
  run(argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError) {
        process.stderr.write(`deckhand: ${err.message}\n\n${USAGE}`);
        process.exit(2);
      }
      if (err instanceof ConfigInvalidError || err instanceof ApiError) {
        process.stderr.write(`deckhand: ${err.message}\n`);
      } else {
        process.stderr.write(`deckhand: ${err instanceof Error ? err.message : String(err)}\n`);
      }
      process.exit(1);
    },
  );
}

main();
