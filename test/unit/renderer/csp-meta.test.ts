import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, metaContentSecurityPolicy } from '../../../src/shared/csp';

const indexHtml = readFileSync(join(__dirname, '..', '..', '..', 'src', 'renderer', 'index.html'), 'utf8');

describe("index.html's Content-Security-Policy meta tag", () => {
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(indexHtml)?.[1];

  it('is the shared policy without frame-ancestors (browsers ignore it there and warn on every load)', () => {
    expect(meta).toBe(metaContentSecurityPolicy());
    expect(meta).not.toContain('frame-ancestors');
  });

  it('leaves frame-ancestors to the header that serve and the Electron session send', () => {
    expect(contentSecurityPolicy()).toContain("frame-ancestors 'none'");
  });
});
