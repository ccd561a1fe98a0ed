/**
 * Named loggers with secret redaction. Every secret value the core reads is
 * registered here, and every line is scrubbed before it reaches the sink, so
 * a secret cannot leak into logs even through an error message.
 */

export type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (line: string) => void;

const secretValues = new Set<string>();
let sink: LogSink = (line) => process.stderr.write(line + '\n');
let threshold: number = LEVELS[(process.env.DECKHAND_LOG_LEVEL as Level) ?? 'info'] ?? LEVELS.info;

/** Remember a secret so it is replaced with [redacted] wherever it would be logged. */
export function registerSecretValue(value: string): void {
  // Very short values would redact ordinary words; keychain tokens are never that short.
  if (value.length >= 4) secretValues.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const value of secretValues) out = out.split(value).join('[redacted]');
  return out;
}

/** Redirects all log output (tests capture it; the CLI keeps stderr). */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

export function setLogLevel(level: Level): void {
  threshold = LEVELS[level];
}

export interface Logger {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

function renderDetail(detail: unknown): string {
  if (detail === undefined) return '';
  if (detail instanceof Error) return ` ${detail.stack ?? detail.message}`;
  try {
    return ' ' + JSON.stringify(detail);
  } catch {
    return ' ' + String(detail);
  }
}

export function createLogger(name: string): Logger {
  const write = (level: Level, message: string, detail?: unknown): void => {
    if (LEVELS[level] < threshold) return;
    const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${name}] ${message}${renderDetail(detail)}`;
    sink(redact(line));
  };
  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}
