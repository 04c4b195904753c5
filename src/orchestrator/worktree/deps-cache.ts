import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyTree } from './copy-tree';

const DEPS_DIR = 'node_modules';

/** A setup command that only installs a lockfile's packages into node_modules. */
export interface Installer {
  readonly tool: 'npm' | 'pnpm' | 'yarn' | 'bun';
  /** The command's words, normalized: part of the cache key, since flags (`--omit=dev`) change the result. */
  readonly words: readonly string[];
  readonly lockfiles: readonly string[];
}

const INSTALL_VERBS: Readonly<Record<Installer['tool'], { readonly verbs: readonly (string | undefined)[]; readonly lockfiles: readonly string[] }>> = {
  npm: { verbs: ['ci', 'install', 'i'], lockfiles: ['package-lock.json', 'npm-shrinkwrap.json'] },
  pnpm: { verbs: ['install', 'i'], lockfiles: ['pnpm-lock.yaml'] },
  yarn: { verbs: [undefined, 'install'], lockfiles: ['yarn.lock'] },
  bun: { verbs: ['install', 'i'], lockfiles: ['bun.lock', 'bun.lockb'] },
};

// Lifecycle scripts of the project itself run on install and may write anywhere (a build, git
// hooks): a copy of node_modules would not redo what they did.
const ROOT_INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];

/**
 * The installer a setup command is, when it is nothing else: `npm ci --prefer-offline` is;
 * `npm ci && npm run build`, `npm install left-pad` or anything with shell syntax is not.
 */
export function installerOf(command: string): Installer | undefined {
  if (/[;&|<>`$(){}\n\\'"*?]/.test(command)) return undefined;
  const words = command.trim().split(/\s+/);
  const tool = words[0] as Installer['tool'];
  const known = Object.hasOwn(INSTALL_VERBS, tool) ? INSTALL_VERBS[tool] : undefined;
  if (known === undefined) return undefined;
  const rest = words.slice(1);
  const verb = rest[0]?.startsWith('-') === false ? rest[0] : undefined;
  if (!known.verbs.includes(verb)) return undefined;
  const flags = verb === undefined ? rest : rest.slice(1);
  if (!flags.every((f) => f.startsWith('-'))) return undefined;
  return { tool, words, lockfiles: known.lockfiles };
}

export type CacheKey = { readonly ok: true; readonly key: string; readonly lockfile: string } | { readonly ok: false; readonly why: string };

/**
 * What the installed tree depends on: the lockfile and manifest bytes, the exact command, and
 * the platform and Node ABI native modules were built for. A different lockfile is another key,
 * so a tree is never reused for other packages.
 */
export async function depsCacheKey(dir: string, installer: Installer): Promise<CacheKey> {
  const lockfile = installer.lockfiles.find((name) => existsSync(join(dir, name)));
  if (lockfile === undefined) return { ok: false, why: `no ${installer.lockfiles.join(' or ')} in the worktree` };
  const manifestText = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
  if (manifestText === undefined) return { ok: false, why: 'no package.json in the worktree' };
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    return { ok: false, why: 'package.json is not valid JSON' };
  }
  const fields = typeof manifest === 'object' && manifest !== null ? (manifest as Record<string, unknown>) : {};
  if (fields.workspaces !== undefined || existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    return { ok: false, why: 'a workspaces project installs node_modules in its packages too' };
  }
  const scripts = typeof fields.scripts === 'object' && fields.scripts !== null ? Object.keys(fields.scripts) : [];
  const lifecycle = scripts.filter((s) => ROOT_INSTALL_SCRIPTS.includes(s));
  if (lifecycle.length > 0) return { ok: false, why: `package.json has install scripts (${lifecycle.join(', ')}) whose effects a copy would miss` };
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ v: 1, command: installer.words, lockfile, platform: process.platform, arch: process.arch, abi: process.versions.modules }));
  hash.update('\0');
  hash.update(await readFile(join(dir, lockfile)));
  hash.update('\0');
  hash.update(manifestText);
  return { ok: true, key: hash.digest('hex'), lockfile };
}

// Tasks that start together with the same key take turns: the first installs and fills the
// cache, the others then copy it instead of all installing the same packages at once.
const turns = new Map<string, Promise<unknown>>();

export function inTurn<T>(slot: string, work: () => Promise<T>): Promise<T> {
  const previous = turns.get(slot) ?? Promise.resolve();
  const next = previous.then(work, work);
  const tail = next.catch(() => undefined);
  turns.set(slot, tail);
  void tail.then(() => {
    if (turns.get(slot) === tail) turns.delete(slot);
  });
  return next;
}

/** `.orch/cache/deps/<key>/`: one installed node_modules per key, complete once it exists. */
export class DepsCache {
  constructor(private readonly cacheDir: string) {}

  entry(key: string): string {
    return join(this.cacheDir, key);
  }

  has(key: string): boolean {
    return existsSync(join(this.entry(key), 'meta.json'));
  }

  async restore(key: string, worktree: string, signal?: AbortSignal): Promise<void> {
    await copyTree(join(this.entry(key), DEPS_DIR), join(worktree, DEPS_DIR), signal);
  }

  /**
   * Keeps a copy of the worktree's node_modules. Built under a temporary name and renamed into
   * place, so a reader never sees half a tree and two writers (two Orch processes) cannot mix
   * theirs: the second rename fails and its copy is dropped.
   */
  async store(key: string, worktree: string, meta: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<boolean> {
    if (this.has(key) || !existsSync(join(worktree, DEPS_DIR))) return false;
    await mkdir(this.cacheDir, { recursive: true });
    const temp = join(this.cacheDir, `.tmp-${key.slice(0, 12)}-${randomBytes(4).toString('hex')}`);
    try {
      await copyTree(join(worktree, DEPS_DIR), join(temp, DEPS_DIR), signal);
      await writeFile(join(temp, 'meta.json'), `${JSON.stringify({ ...meta, storedAt: new Date().toISOString() }, null, 2)}\n`);
      await rename(temp, this.entry(key));
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw error;
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
}
