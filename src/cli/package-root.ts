import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Orch's install folder (the one with its package.json): `dist/cli.js` lives one level down,
 * `src/cli/*.ts` under tsx two levels down, so walk up rather than guess.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'orch') return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find Orch's package.json above ${from}`);
  }
}

/** The version in Orch's package.json, as `npm ls` and bug reports name it. */
export function orchVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
