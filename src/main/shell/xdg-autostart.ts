/** Writes or removes the XDG autostart entry a LoginItemPlan asks for. Plain fs, so it is tested under Node. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function applyAutostart(plan: { file: string; contents: string | null }): void {
  if (plan.contents === null) {
    rmSync(plan.file, { force: true });
    return;
  }
  mkdirSync(dirname(plan.file), { recursive: true });
  // Write then rename, so a crash never leaves a half-written entry for the session manager to trip on.
  const temporary = `${plan.file}.${process.pid}.tmp`;
  writeFileSync(temporary, plan.contents, { mode: 0o644 });
  renameSync(temporary, plan.file);
}
