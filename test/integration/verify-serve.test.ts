import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { whileServing } from '../../src/orchestrator/engine/verify-serve';
import { useTempDir } from '../support/temp-dir';

function freePort(): Promise<number> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('serve commands of browser checks', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('takes turns on one port whatever name the url gives the machine (localhost, 127.0.0.1)', async () => {
    const port = await freePort();
    // No host: the server listens on every address of the machine, as dev servers often do.
    const serving = (text: string): string => `exec node -e "require('node:http').createServer((q, s) => s.end('${text}')).listen(${port})"`;
    const seen: string[] = [];
    const check = (name: string, url: string) =>
      whileServing(serving(`page of ${name}`), url, { cwd: tmp.path, timeoutSec: 20, logPath: join(tmp.path, `${name}-serve.log`) }, async () => {
        seen.push(`${name} starts on ${await (await fetch(url)).text()}`);
        await sleep(500);
        seen.push(`${name} ends`);
      });
    const [a, b] = await Promise.all([check('A', `http://localhost:${port}/`), check('B', `http://127.0.0.1:${port}/`)]);
    assert.ok(a.ready, a.ready ? '' : a.reason);
    assert.ok(b.ready, b.ready ? '' : b.reason);
    assert.deepEqual(seen, ['A starts on page of A', 'A ends', 'B starts on page of B', 'B ends']);
  });
});
