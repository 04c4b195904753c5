import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleDashboardFile } from './stale-dashboard-file';

describe('removeStaleDashboardFile', () => {
  let dir: string;
  let server: Server | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'orch-dash-'))));
  afterEach(async () => {
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(token: string): Promise<number> {
    server = createServer((req, res) => res.writeHead(req.headers.authorization === `Bearer ${token}` ? 200 : 401).end('[]'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('keeps the file of a server that answers with its token', async () => {
    const port = await serve('good');
    const file = join(dir, 'dashboard.json');
    writeFileSync(file, JSON.stringify({ url: `http://127.0.0.1:${port}/`, port, token: 'good' }));
    assert.equal(await removeStaleDashboardFile(file), false);
    assert.ok(existsSync(file));
  });

  it('removes the file of a server that is gone, or of another program on its port, or an unreadable one', async () => {
    const port = await serve('other');
    const file = join(dir, 'dashboard.json');
    writeFileSync(file, JSON.stringify({ url: `http://127.0.0.1:${port}/`, port, token: 'mine' }));
    assert.equal(await removeStaleDashboardFile(file), true);
    assert.equal(existsSync(file), false);
    writeFileSync(file, JSON.stringify({ url: 'http://127.0.0.1:1/', port: 1, token: 'mine' }));
    assert.equal(await removeStaleDashboardFile(file), true);
    writeFileSync(file, '{ torn');
    assert.equal(await removeStaleDashboardFile(file), true);
    assert.equal(await removeStaleDashboardFile(file), false, 'no file: nothing to do');
  });
});
