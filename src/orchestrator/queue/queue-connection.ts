// One parser for `--queue redis://HOST:PORT`, shared by the coordinator and the worker, so a bad
// URL is refused the same way by both, before anything connects.

import { Redis, type RedisOptions } from 'ioredis';
import type { ConnectionOptions as BullConnection } from 'bullmq';
import { InputError } from '../errors';

export interface QueueAddress {
  readonly url: string;
  readonly options: RedisOptions;
  /** The same address as BullMQ's own connection options. */
  readonly bullmq: BullConnection;
}

export function parseQueueUrl(text: string, flag = '--queue'): QueueAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`${flag} expects redis://HOST:PORT, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new InputError(`${flag} expects redis://HOST:PORT, got ${JSON.stringify(text)} (scheme ${url.protocol})`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new InputError(`${flag} ${JSON.stringify(text)}: the database after the slash must be a number`);
  const options: RedisOptions = {
    host: url.hostname,
    port,
    db,
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's blocking commands need it; every client of ours waits for Redis rather than failing a command.
    maxRetriesPerRequest: null,
  };
  const { host, username, password, tls } = options;
  return { url: text, options, bullmq: { host, port, db, username, password, tls, maxRetriesPerRequest: null } };
}

/** A client that errors into `onError` (never an unhandled 'error' event) and reconnects on its own. */
export function connect(address: QueueAddress, onError: (error: Error) => void): Redis {
  const client = new Redis(address.options);
  client.on('error', onError);
  return client;
}

/** Fails with the address in the message when Redis does not answer, instead of retrying forever. */
export async function checkReachable(address: QueueAddress, timeoutMs = 5_000): Promise<void> {
  const probe = new Redis({ ...address.options, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  let cause: string | undefined;
  probe.on('error', (error: Error) => (cause ??= error.message));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new InputError(`cannot reach the queue at ${address.url}: ${cause ?? (error as Error).message}`, undefined, 'start redis-server there, or pass the right --queue URL');
  } finally {
    probe.disconnect();
  }
}
