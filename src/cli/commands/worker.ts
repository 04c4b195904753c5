import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveClaudePath } from '../../orchestrator/config/resolve-claude-path';
import { checkReachable, parseQueueUrl } from '../../orchestrator/queue/queue-connection';
import { QueueWorker } from '../../orchestrator/queue/queue-worker';
import { EXIT } from '../../protocol/exit-codes';
import type { Command } from '../cli-io';
import { packageRoot } from '../package-root';
import { parseCommandArgs, UsageError } from '../run-cli';
import { positiveNumber } from './run';

/**
 * `orch worker --queue redis://HOST:PORT [--slots N] [--name NAME]`: runs the attempts of
 * distributed runs (`orch run --queue`) until SIGTERM or Ctrl-C; the first lets the running
 * attempts finish, the second stops them.
 */
export const workerCommand: Command = async (args, io) => {
  const { values } = parseCommandArgs(
    args,
    { queue: { type: 'string' }, slots: { type: 'string' }, name: { type: 'string' }, folder: { type: 'string' }, 'claude-path': { type: 'string' } },
    { min: 0, max: 0, names: '' },
  );
  if (values.queue === undefined) throw new UsageError('orch worker needs --queue redis://HOST:PORT (the Redis the coordinator\'s `orch run --queue` uses)');
  const address = parseQueueUrl(values.queue);
  const slots = positiveNumber(values.slots, '--slots', true) ?? 1;
  const name = values.name ?? `${hostname()}-${process.pid}`;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`--name takes letters, digits, '.', '_' and '-', got ${JSON.stringify(name)}`);
  await checkReachable(address);
  const folder = resolve(io.cwd, values.folder ?? join('.orch-worker', name));
  const claudePath = resolveClaudePath({ flag: values['claude-path'], env: io.env, configPath: undefined, packageRoot: packageRoot() });
  const worker = new QueueWorker({
    address,
    name,
    folder,
    slots,
    claudePath,
    env: io.env,
    // Tests shorten these to see a killed worker's job stall within seconds.
    ...msOption(io.env.ORCH_QUEUE_HEARTBEAT_MS, 'heartbeatMs'),
    ...msOption(io.env.ORCH_QUEUE_LOCK_MS, 'lockMs'),
    ...msOption(io.env.ORCH_QUEUE_STALLED_CHECK_MS, 'stalledCheckMs'),
    log: (line) => io.err(line),
  });
  await worker.start();
  io.out(`orch worker ${name}: ${worker.slots} slot(s) on ${address.url}; folder ${folder}; pid ${process.pid}`);
  await new Promise<void>((done) => {
    let signals = 0;
    let stopped: Promise<void> | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      io.err(signals === 1 ? `orch worker ${name}: ${signal}: taking no more jobs; running attempts finish (again to stop them)` : `orch worker ${name}: ${signal}: stopping the running attempts`);
      if (signals > 1) void worker.stop(true);
      stopped ??= worker.stop(false).then(done, done);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  io.out(`orch worker ${name}: stopped`);
  return EXIT.ok;
};

function msOption<K extends string>(text: string | undefined, key: K): Partial<Record<K, number>> {
  const value = Number(text);
  return text === undefined || !Number.isFinite(value) || value <= 0 ? {} : ({ [key]: value } as Partial<Record<K, number>>);
}
