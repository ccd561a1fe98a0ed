import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

describe('architecture layering', () => {
  it('no file under src/main/core imports electron', () => {
    const offenders = sourceFiles(join(ROOT, 'src', 'main', 'core')).filter((f) =>
      /from ['"]electron['"]|require\(['"]electron['"]\)/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
  });

  // Typed linting starts a TypeScript project service, which takes a while on a loaded machine.
  it('lint fails when the core imports electron, and allows it in the shell', { timeout: 120_000 }, async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const code = "import { app } from 'electron';\nexport const name = app.getName();\n";
    const [core] = await eslint.lintText(code, { filePath: join(ROOT, 'src/main/core/logger.ts') });
    expect(core!.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
    expect(core!.messages.find((m) => m.ruleId === 'no-restricted-imports')!.message).toMatch(/plain Node/);

    const [renderer] = await eslint.lintText(code, { filePath: join(ROOT, 'src/renderer/src/main.tsx') });
    expect(renderer!.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');

    const [shell] = await eslint.lintText(code, { filePath: join(ROOT, 'src/main/index.ts') });
    expect(shell!.messages.map((m) => m.ruleId)).not.toContain('no-restricted-imports');
  });

  it('lint fails when the core imports the shell', { timeout: 120_000 }, async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const code = "import { buildTrayMenu } from '../shell/tray-model';\nexport const f = buildTrayMenu;\n";
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, 'src/main/core/logger.ts') });
    expect(result!.messages.map((m) => m.message).join('\n')).toMatch(/must not depend on the Electron shell/);
  });

  it(
    'lint fails when an adapter imports another adapter, or boards/ imports the engine',
    { timeout: 120_000 },
    async () => {
      const eslint = new ESLint({ cwd: ROOT });
      const lint = async (code: string, file: string): Promise<string> => {
        const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
        return result!.messages.map((m) => m.message).join('\n');
      };
      const crossAdapter =
        "import { KanboardRpcClient } from '../kanboard/json-rpc-client';\nexport const c = KanboardRpcClient;\n";
      expect(await lint(crossAdapter, 'src/main/core/boards/local/rows.ts')).toMatch(
        /Adapters never import one another/,
      );
      const theList = "import { BOARD_MODULES } from '..';\nexport const m = BOARD_MODULES;\n";
      expect(await lint(theList, 'src/main/core/boards/kanboard/values.ts')).toMatch(/imports only boards\/contract/);
      const engine = "import { SyncEngine } from '../../engine/sync-engine';\nexport const e = SyncEngine;\n";
      expect(await lint(engine, 'src/main/core/boards/kit/http/excerpt.ts')).toMatch(/below the engine and the agents/);
      const kit = "import { HttpClient } from '../kit/http/client';\nexport const k = HttpClient;\n";
      expect(await lint(kit, 'src/main/core/boards/kanboard/values.ts')).not.toMatch(/restricted/);
    },
  );
});
