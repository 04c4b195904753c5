// Real `orch worker` processes for distributed-run tests: the built CLI (node dist/cli.js), each in
// its own folder with its own HOME, on the scripted model, with short heartbeats and job locks so a
// killed worker is noticed within seconds (options, not sleeps).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLAUDE_BIN } from './claude-harness';
import { REPO_ROOT } from './engine-fixture';

export interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves once the worker says it is taking jobs. */
  readonly ready: Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export const FAST_QUEUE_ENV = { ORCH_QUEUE_HEARTBEAT_MS: '500', ORCH_QUEUE_LOCK_MS: '3000', ORCH_QUEUE_STALLED_CHECK_MS: '1000' };

export function startWorker(dir: string, name: string, queueUrl: string, env: Readonly<Record<string, string>>, slots = 1): WorkerProcess {
  const folder = join(dir, name);
  mkdirSync(join(folder, 'home'), { recursive: true });
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), 'worker', '--queue', queueUrl, '--slots', String(slots), '--name', name, '--folder', folder, '--claude-path', CLAUDE_BIN], {
    cwd: folder,
    env: { ...env, ...FAST_QUEUE_ENV, HOME: join(folder, 'home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      out += c.toString();
      if (out.includes(`orch worker ${name}:`) && out.includes('slot(s) on')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}: ${out}`)));
  });
  ready.catch(() => undefined);
  return {
    name,
    child,
    ready,
    output: () => out,
    kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}
