// A real redis-server for tests: 127.0.0.1 on a free port, no persistence (no RDB, no AOF), its
// folder removed when it stops, so nothing is left behind on the machine.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export const REDIS_SERVER_BIN = process.env.ORCH_REDIS_SERVER ?? '/usr/bin/redis-server';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT`, as `orch run --queue` and `orch worker --queue` take it. */
  readonly url: string;
  readonly pid: number;
  /** Kills it (SIGKILL when `hard`) and starts it again on the same port, empty: nothing was persisted. */
  restart(hard?: boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function launch(port: number, dir: string): ChildProcess {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'];
  return spawn(REDIS_SERVER_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The pid of the redis-server answering on the port, or undefined while none does. */
async function answeringPid(port: number): Promise<string | undefined> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return /^process_id:(\d+)/m.exec(await client.info('server'))?.[1];
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

async function untilAnswers(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let tries = 0; tries < 600; tries++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} before answering on 127.0.0.1:${port}: ${stderr()}`);
    const pid = await answeringPid(port);
    if (pid === String(child.pid)) return;
    // Free ports are only free when asked: another file's redis-server could hold this one, and
    // its workers would then take this file's jobs.
    if (pid !== undefined) throw new Error(`127.0.0.1:${port} is answered by another redis-server (pid ${pid}), not the one started (pid ${child.pid})`);
    await sleep(50);
  }
  throw new Error(`redis-server never answered on 127.0.0.1:${port}: ${stderr()}`);
}

function stopped(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-redis-'));
  const port = await freePort();
  let stderr = '';
  const start = async (): Promise<ChildProcess> => {
    const child = launch(port, dir);
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    await untilAnswers(port, child, () => stderr);
    return child;
  };
  let child = await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child.pid ?? 0;
    },
    async restart(hard = false) {
      await stopped(child, hard ? 'SIGKILL' : 'SIGTERM');
      child = await start();
    },
    async stop() {
      await stopped(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
