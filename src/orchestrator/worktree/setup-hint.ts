import { existsSync } from 'node:fs';
import { join } from 'node:path';

interface Ecosystem {
  readonly file: string;
  readonly command: string;
  /** Where its installed dependencies would be: with it present, the worktree needs no setup. */
  readonly installed?: string;
}

// Most specific first: a lockfile names the installer, a bare manifest only suggests one.
const ECOSYSTEMS: readonly Ecosystem[] = [
  { file: 'package-lock.json', command: 'npm ci', installed: 'node_modules' },
  { file: 'npm-shrinkwrap.json', command: 'npm ci', installed: 'node_modules' },
  { file: 'pnpm-lock.yaml', command: 'pnpm install --frozen-lockfile', installed: 'node_modules' },
  { file: 'yarn.lock', command: 'yarn install --frozen-lockfile', installed: 'node_modules' },
  { file: 'bun.lock', command: 'bun install --frozen-lockfile', installed: 'node_modules' },
  { file: 'bun.lockb', command: 'bun install --frozen-lockfile', installed: 'node_modules' },
  { file: 'package.json', command: 'npm install', installed: 'node_modules' },
  { file: 'uv.lock', command: 'uv sync', installed: '.venv' },
  { file: 'poetry.lock', command: 'poetry install', installed: '.venv' },
  { file: 'requirements.txt', command: 'pip install -r requirements.txt' },
  { file: 'pyproject.toml', command: 'pip install -e .' },
  { file: 'Cargo.toml', command: 'cargo fetch' },
  { file: 'go.mod', command: 'go mod download' },
  { file: 'Gemfile', command: 'bundle install' },
  { file: 'composer.json', command: 'composer install', installed: 'vendor' },
];

/**
 * With no `worktree.setup`, what to tell the user when the task's worktree holds a project
 * whose dependencies are not there: checks such as `npm test` would fail for that alone.
 */
export function missingSetupHint(worktree: string): string | undefined {
  const found = ECOSYSTEMS.find((e) => existsSync(join(worktree, e.file)));
  if (found === undefined) return undefined;
  if (found.installed !== undefined && existsSync(join(worktree, found.installed))) return undefined;
  const missing = found.installed === undefined ? 'start without its dependencies installed' : `have no ${found.installed}`;
  return `${found.file} found but no worktree.setup: task worktrees ${missing}; set "worktree": {"setup": "${found.command}"} in .orch/config.json (and list gitignored files they need, such as .env, in .worktreeinclude)`;
}
