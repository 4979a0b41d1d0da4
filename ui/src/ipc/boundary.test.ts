// Only ui/src/ipc/ may talk to Tauri. Everything else goes through ipc/index.ts,
// so the backend's wire format is known in exactly one place.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const IPC_DIR = dirname(fileURLToPath(import.meta.url));
const SRC_DIR = dirname(IPC_DIR);
const SOURCE = /\.(ts|js|mjs|cjs|svelte|tsx|jsx)$/;

/** Finds `import … from '@tauri-apps/…'`, `import('@tauri-apps/…')`, `require(…)` and `export … from`. */
export function tauriImports(code: string): string[] {
  const pattern =
    /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"`])(@tauri-apps\/[^'"`]*)\1/g;
  return [...code.matchAll(pattern)].map((m) => m[2]);
}

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (path === IPC_DIR || name === 'node_modules') continue;
      found.push(...sourceFiles(path));
    } else if (SOURCE.test(name)) {
      found.push(path);
    }
  }
  return found;
}

describe('ipc boundary', () => {
  it('recognises every way of importing Tauri', () => {
    expect(tauriImports(`import { invoke } from "@tauri-apps/api/core";`)).toEqual(['@tauri-apps/api/core']);
    expect(tauriImports(`import '@tauri-apps/plugin-opener'`)).toEqual(['@tauri-apps/plugin-opener']);
    expect(tauriImports(`const m = await import('@tauri-apps/api/event')`)).toEqual(['@tauri-apps/api/event']);
    expect(tauriImports(`export * from '@tauri-apps/api'`)).toEqual(['@tauri-apps/api']);
    expect(tauriImports(`const x = require("@tauri-apps/api")`)).toEqual(['@tauri-apps/api']);
    expect(tauriImports(`import { ipc } from '../ipc';`)).toEqual([]);
  });

  it('scans the whole UI source tree outside ipc/', () => {
    const files = sourceFiles(SRC_DIR).map((f) => relative(SRC_DIR, f).split(sep).join('/'));
    expect(files).toContain('App.svelte');
    expect(files).toContain('features/accounts/ConnectDialog.svelte');
    expect(files.some((f) => f.startsWith('ipc/'))).toBe(false);
  });

  it('no file outside ui/src/ipc/ imports @tauri-apps/*', () => {
    const offenders = sourceFiles(SRC_DIR).flatMap((file) =>
      tauriImports(readFileSync(file, 'utf8')).map((spec) => `${relative(SRC_DIR, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });
});
