import { execFile, type ExecFileException } from 'node:child_process';
import { access, constants, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ProcessOutcome {
  /** Null when the process never ran or was killed. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it could not start: the system's code (ENOENT, EACCES) or message. */
  readonly startError?: string;
  readonly timedOut: boolean;
}

/** What the preflight needs from the machine: spawning (argument arrays, never a shell) and file facts. */
export interface PreflightPorts {
  run(file: string, args: readonly string[], options: { readonly cwd: string; readonly env: Env; readonly timeoutMs: number }): Promise<ProcessOutcome>;
  isExecutableFile(path: string): Promise<boolean>;
  isFile(path: string): Promise<boolean>;
  readText(path: string): Promise<string | undefined>;
  /** What changes when the file behind `path` (symlinks followed) is replaced or rewritten; undefined when unreadable. */
  fileStamp?(path: string): Promise<string | undefined>;
  /** Best effort: a cache that cannot be written is only slower next time. */
  writeText?(path: string, text: string): Promise<void>;
}

export const nodePreflightPorts: PreflightPorts = {
  run(file, args, options) {
    return new Promise((resolve) => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
      execFile(file, [...args], { cwd: options.cwd, env, timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
        if (error === null) return resolve({ code: 0, stdout, stderr, timedOut: false });
        const failure: ExecFileException = error;
        if (typeof failure.code === 'string') return resolve({ code: null, stdout, stderr, startError: failure.code, timedOut: false });
        const timedOut = failure.killed === true && failure.signal === 'SIGKILL';
        resolve({ code: typeof failure.code === 'number' ? failure.code : null, stdout, stderr, timedOut });
      });
    });
  },
  async isExecutableFile(path) {
    try {
      await access(path, constants.X_OK);
      return (await stat(path)).isFile();
    } catch {
      return false;
    }
  },
  async isFile(path) {
    try {
      return (await stat(path)).isFile();
    } catch {
      return false;
    }
  },
  async readText(path) {
    try {
      return await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  async fileStamp(path) {
    try {
      const real = await realpath(path);
      const s = await stat(real);
      // No ctime: a hard link made or removed elsewhere (a deps cache linking node_modules) changes
      // it, and with it the cached `claude --version` answer would go stale for nothing.
      return JSON.stringify([real, s.dev, s.ino, s.size, s.mtimeMs]);
    } catch {
      return undefined;
    }
  },
  async writeText(path, text) {
    // Several orch processes of one user write this cache at once: each renames its own whole file into place.
    const partial = `${path}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(partial, text);
      await rename(partial, path);
    } catch {
      // a read-only workspace: the check just runs again next time
      await rm(partial, { force: true }).catch(() => undefined);
    }
  },
};
