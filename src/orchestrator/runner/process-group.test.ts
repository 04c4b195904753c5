import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { findMarkedProcesses, spawnGroup, terminate } from './process-group';
import { findMarkedInSlices } from './proc-scan-sliced';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The session id from /proc/PID/stat, or undefined when the process is gone. */
function sessionOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return undefined;
  }
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('process groups: the scan for an attempt\'s processes', function () {
  this.timeout(20_000);
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('finds a process by its exact marker, not by one that merely starts with it', async () => {
    const marker = `ORCH_TEST_MARKER=${randomUUID()}`;
    const exact = spawn('sleep', ['30'], { env: { ...process.env, [marker.split('=')[0]!]: marker.split('=')[1]! } });
    const longer = spawn('sleep', ['30'], { env: { ...process.env, [marker.split('=')[0]!]: `${marker.split('=')[1]!}x` } });
    children.push(exact, longer);
    await until(() => findMarkedProcesses(marker).includes(exact.pid!));
    assert.deepEqual(findMarkedProcesses(marker), [exact.pid]);
    // The scan terminate() makes, a few processes per turn of the event loop: the same answer.
    assert.deepEqual(await findMarkedInSlices(marker), [exact.pid]);
  });

  it('reads a few processes per turn of the event loop, so other work runs during a long scan', async () => {
    const sleepers = Array.from({ length: 10 }, () => spawn('sleep', ['30']));
    children.push(...sleepers);
    let turns = 0;
    const count = (): void => {
      turns += 1;
      if (turns < 1000) setImmediate(count);
    };
    setImmediate(count);
    const before = turns;
    assert.deepEqual(await findMarkedInSlices(`ORCH_TEST_MARKER=${randomUUID()}`), []);
    assert.ok(turns > before, 'the event loop turned while the scan ran');
  });

  it('stops a process that left the group for a session of its own', async () => {
    const marker = `ORCH_ATTEMPT_MARKER=${randomUUID()}`;
    const leader = spawnGroup('/bin/sh', ['-c', 'setsid sleep 30 & echo $!; wait'], marker, {
      env: { ...process.env, ORCH_ATTEMPT_MARKER: marker.split('=')[1]! },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const escaped = Number(await new Promise<string>((resolve) => leader.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
    // `$!` is known as soon as sh forks, before the child has run setsid: stopping the group then
    // would take the child down with it and leave nothing outside to find (seen on a loaded CI).
    await until(() => sessionOf(escaped) === escaped && findMarkedProcesses(marker).includes(escaped));
    const report = await terminate(leader.pid!, marker, 5_000);
    assert.ok(report.outside.includes(escaped), `the escaped sleep ${escaped} was stopped: ${JSON.stringify(report)}`);
    await until(() => !alive(escaped));
  });
});
