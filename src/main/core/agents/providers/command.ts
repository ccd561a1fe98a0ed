import { spawn } from 'node:child_process';
import { OutputRejected, parseAgentText } from '../output';
import type { AgentProvider, ProviderCall, ProviderResult } from '../types';
import { checkUsage, type CheckedUsage, type ReportedUsage } from '../usage';
import { ProviderError } from './errors';
import type { ProcessRegistry } from './process-registry';

export interface CommandProviderOptions {
  /** Program and arguments; never run through a shell, so task text cannot be interpreted by one. */
  command: string[];
  cwd?: string;
  /** Default 10 minutes: coding agents are slow. */
  timeoutMs?: number;
  /** The environment the program starts with (the runtime passes Deckhand's, minus other secrets). */
  env: NodeJS.ProcessEnv;
  /** Stdout beyond this is cut off and the run fails: a program that floods is broken. */
  maxOutputBytes?: number;
  /** Grace between SIGTERM and SIGKILL after a timeout. */
  killGraceMs?: number;
  /** Where running programs are noted, so a Deckhand restarted after a crash can stop what this one left running. */
  processes?: ProcessRegistry;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;
const STDERR_TAIL = 2_000;

/**
 * Optional token accounting a program may report in its JSON: `usage: { input_tokens, output_tokens, cost_usd }`.
 * Checked here, where the raw values are still visible, so "12" or 1e308 is named in the log as sent.
 */
function usageFrom(stdout: string): CheckedUsage {
  const none: CheckedUsage = { usage: { inputTokens: 0, outputTokens: 0, cost: null }, problems: [] };
  const trimmed = stdout.trim();
  if (!trimmed.startsWith('{')) return none;
  try {
    const usage = (JSON.parse(trimmed) as { usage?: unknown }).usage;
    if (!usage || typeof usage !== 'object') return none;
    return checkUsage(usage as ReportedUsage);
  } catch {
    return none;
  }
}

/** Kills the program and everything it started (it runs in its own process group). */
function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') process.kill(pid, signal);
    else process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Runs a local program per round: the AgentInput as JSON on stdin, plain text
 * or protocol JSON on stdout (docs/agents.md). A non-zero exit, a timeout or
 * unreadable output is a failed (retryable) attempt.
 */
export class CommandProvider implements AgentProvider {
  readonly label: string;

  constructor(private readonly opts: CommandProviderOptions) {
    this.label = `command ${opts.command.join(' ')}`.slice(0, 200);
  }

  run(call: ProviderCall): Promise<ProviderResult> {
    const { command, cwd, env } = this.opts;
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxOutput = this.opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const started = Date.now();
    return new Promise<ProviderResult>((resolve, reject) => {
      const child = spawn(command[0]!, command.slice(1), {
        cwd,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
      const forget = child.pid !== undefined ? this.opts.processes?.record(child.pid, command) : undefined;
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = '';
      let ended: 'timeout' | 'aborted' | 'flood' | undefined;
      let graceTimer: NodeJS.Timeout | undefined;
      const stop = (why: 'timeout' | 'aborted' | 'flood'): void => {
        if (ended) return;
        ended = why;
        killTree(child.pid, 'SIGTERM');
        graceTimer = setTimeout(() => killTree(child.pid, 'SIGKILL'), this.opts.killGraceMs ?? 5_000);
        graceTimer.unref();
      };
      const timer = setTimeout(() => stop('timeout'), timeoutMs);
      const onAbort = (): void => stop('aborted');
      call.signal.addEventListener('abort', onAbort, { once: true });

      child.stdout.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes > maxOutput) stop('flood');
        else stdout.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
      });
      // A program that never reads stdin closes the pipe early; that is its business.
      child.stdin.on('error', () => undefined);
      child.stdin.end(JSON.stringify(call.input));

      const finish = (fn: () => void): void => {
        clearTimeout(timer);
        forget?.();
        call.signal.removeEventListener('abort', onAbort);
        fn();
      };
      child.on('error', (err) =>
        finish(() => reject(new ProviderError('config', `could not start ${command[0]}: ${err.message}`, false))),
      );
      child.on('close', (code, signal) =>
        finish(() => {
          if (graceTimer) clearTimeout(graceTimer);
          const tail = stderr.trim() ? `: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : '';
          if (ended === 'timeout') {
            return reject(new ProviderError('timeout', `${command[0]} timed out after ${timeoutMs} ms`, true));
          }
          if (ended === 'aborted') return reject(new ProviderError('timeout', `${command[0]} was stopped`, true));
          if (ended === 'flood') {
            return reject(new ProviderError('output', `${command[0]} printed more than ${maxOutput} bytes`, false));
          }
          if (code !== 0) {
            const how = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
            return reject(new ProviderError('exit', `${command[0]} ${how}${tail}`, true));
          }
          const text = Buffer.concat(stdout).toString('utf8');
          try {
            const { usage, problems } = usageFrom(text);
            resolve({
              output: parseAgentText(text),
              usage,
              rawText: text,
              ...(problems.length > 0 ? { usageProblems: problems } : {}),
            });
          } catch (err) {
            const message = err instanceof OutputRejected ? err.message : String(err);
            reject(new ProviderError('output', `${command[0]}: ${message} (after ${Date.now() - started} ms)`, true));
          }
        }),
      );
    });
  }
}
