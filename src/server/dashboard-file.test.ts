import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DashboardFile, readDashboardFile, removeDashboardFile, writeDashboardFile } from './dashboard-file';

// `.orch/dashboard.json` names a dashboard while one is served. With two in one workspace (a run's
// and `orch serve`), the later one stopping must not leave the earlier one unnamed.
describe('.orch/dashboard.json with two servers in one workspace', () => {
  let dir = '';
  let file = '';
  let earlierServer: Server;
  let earlier: DashboardFile;
  const later: DashboardFile = { url: 'http://127.0.0.1:1/', port: 1, token: 'b'.repeat(32) };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch dashboard file '));
    file = join(dir, '.orch', 'dashboard.json');
    const token = 'a'.repeat(32);
    earlierServer = createServer((req, res) => {
      res.statusCode = req.url === '/api/runs' && req.headers.authorization === `Bearer ${token}` ? 200 : 401;
      res.end('{}');
    });
    await new Promise<void>((resolve) => earlierServer.listen(0, '127.0.0.1', resolve));
    const { port } = earlierServer.address() as AddressInfo;
    earlier = { url: `http://127.0.0.1:${port}/`, port, token };
  });

  after(() => {
    earlierServer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the earlier server again when the later one stops while the earlier still answers', async () => {
    await writeDashboardFile(file, earlier);
    const previous = await readDashboardFile(file);
    await writeDashboardFile(file, later);
    await removeDashboardFile(file, later.token, previous);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), earlier);
  });

  it('is removed when the server it named before is gone', async () => {
    const gone: DashboardFile = { url: 'http://127.0.0.1:9/', port: 9, token: 'c'.repeat(32) };
    await writeDashboardFile(file, later);
    await removeDashboardFile(file, later.token, gone);
    assert.equal(existsSync(file), false);
  });

  it('is left alone when it names another server', async () => {
    await writeDashboardFile(file, earlier);
    await removeDashboardFile(file, later.token, undefined);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), earlier);
  });
});
