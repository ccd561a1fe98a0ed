import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger, registerSecretValue, setLogLevel, setLogSink } from '../../src/main/core/logger';

describe('logger', () => {
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  setLogLevel('debug');
  afterEach(() => {
    lines.length = 0;
  });
  afterAll(() => {
    setLogSink(previous);
    setLogLevel('warn');
  });

  it('prefixes the module name and level', () => {
    createLogger('sync').info('hello');
    expect(lines[0]).toMatch(/INFO +\[sync\] hello$/);
  });

  it('redacts registered secret values, even inside errors and details', () => {
    registerSecretValue('tok-123456-secret');
    const log = createLogger('kanboard');
    log.error('request failed', new Error('401 for token tok-123456-secret'));
    log.warn('detail', { headers: { authorization: 'Bearer tok-123456-secret' } });
    expect(lines.join('\n')).not.toContain('tok-123456-secret');
    expect(lines.join('\n')).toContain('[redacted]');
  });
});
