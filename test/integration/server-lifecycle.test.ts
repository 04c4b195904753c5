import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { useTempDir } from '../support/temp-dir';
import { http, REPO, sampleRunEvents, startTestServer, TestSocket, writeRun } from './server-harness';

function occupy(port: number): Promise<Server> {
  return new Promise((done, fail) => {
    const blocker = createServer();
    blocker.once('error', fail);
    blocker.listen(port, '127.0.0.1', () => done(blocker));
  });
}

describe('dashboard server lifecycle and orch serve', () => {
  const dir = useTempDir('orch-serve-');

  it('takes the next free port when the asked one is in use', async () => {
    const blocker = await occupy(0);
    const taken = (blocker.address() as { port: number }).port;
    const server = await startTestServer(dir.path, { port: taken });
    try {
      assert.ok(server.port > taken && server.port <= taken + 50, `got ${server.port} after ${taken}`);
      assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
      assert.equal((await http(server.port, { path: '/api/health' })).status, 200);
    } finally {
      await server.close();
      blocker.close();
    }
  });

  it('closes live sockets and stops listening on close()', async () => {
    await (await writeRun(dir.path, 'run-1', sampleRunEvents())).close();
    const server = await startTestServer(dir.path);
    const socket = TestSocket.connect(server.port);
    await socket.opened;
    socket.send({ type: 'auth', token: server.token });
    await socket.waitFor(1);
    await server.close();
    await socket.closed;
    await assert.rejects(http(server.port, { path: '/api/health' }), /ECONNREFUSED/);
  });

  it('orch serve prints the URL with the token, serves until SIGTERM, then removes .orch/dashboard.json', async function () {
    // A loaded machine has taken over 30 s to start the CLI under tsx: only an exit ends the wait early.
    this.timeout(180_000);
    const serve = orchServe(['--port', '0', '--workspace', dir.path]);
    try {
      const port = await serve.url();
      const token = /#token=([0-9a-f]{32})/.exec(serve.output())?.[1];
      const file = JSON.parse(readFileSync(join(dir.path, '.orch', 'dashboard.json'), 'utf8')) as { token: string; port: number };
      assert.deepEqual([file.port, file.token], [port, token]);
      const runs = await http(port, { path: '/api/runs', headers: { Authorization: `Bearer ${token ?? ''}` } });
      assert.equal(runs.status, 200);
      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0, serve.output());
      assert.equal(existsSync(join(dir.path, '.orch', 'dashboard.json')), false);
    } finally {
      serve.child.kill('SIGKILL');
    }
  });

  it('orch serve rejects a bad --port with exit 2', async function () {
    this.timeout(180_000);
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'serve', '--port', 'eighty', '--workspace', dir.path], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    assert.equal(code, 2);
    assert.match(stderr, /--port must be a whole number from 0 to 65535, got "eighty"/);
  });

  it('orch serve refuses a bad .orch/config.json with exit 2, naming each bad line, as orch run does', async function () {
    this.timeout(180_000);
    mkdirSync(join(dir.path, '.orch'));
    writeFileSync(join(dir.path, '.orch', 'config.json'), '{\n  "dashboardPort": "eighty",\n  "bogusKey": 1\n}\n');
    const serve = orchServe(['--port', '0', '--workspace', dir.path]);
    try {
      // A served dashboard prints its URL: then the file was not refused.
      const code = await Promise.race([serve.exited, serve.url().then(() => 'served', () => 'exited')]);
      assert.equal(code, 2, serve.output());
      assert.match(serve.output(), /config\.json:2: dashboardPort: /);
      assert.match(serve.output(), /config\.json:3: unknown key "bogusKey"/);
    } finally {
      serve.child.kill('SIGKILL');
    }
  });

  it('orch serve listens on "dashboardPort" of .orch/config.json when --port is absent', async function () {
    this.timeout(180_000);
    const blocker = await occupy(0);
    const free = (blocker.address() as { port: number }).port;
    await new Promise((done) => blocker.close(done));
    mkdirSync(join(dir.path, '.orch'));
    writeFileSync(join(dir.path, '.orch', 'config.json'), JSON.stringify({ dashboardPort: free }));
    const serve = orchServe(['--workspace', dir.path]);
    try {
      assert.equal(await serve.url(), free, serve.output());
      const file = JSON.parse(readFileSync(join(dir.path, '.orch', 'dashboard.json'), 'utf8')) as { port: number };
      assert.equal(file.port, free);
      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0, serve.output());
    } finally {
      serve.child.kill('SIGKILL');
    }
  });
});

/** `orch serve` as its own process, so a test that fails still stops it (by killing it). */
function orchServe(args: readonly string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'serve', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let ended = false;
  const exited = new Promise<number | null>((done) =>
    child.on('exit', (code) => {
      ended = true;
      done(code);
    }),
  );
  return {
    child,
    exited,
    output: () => `stdout: ${stdout}\nstderr: ${stderr}`,
    /** The port of the URL it printed; an error with its output if it exits first. */
    async url(): Promise<number> {
      for (;;) {
        const match = /http:\/\/127\.0\.0\.1:(\d+)\/#token=/.exec(stdout);
        if (match !== null) return Number(match[1]);
        if (ended) throw new Error(`orch serve exited without printing its URL; stdout: ${stdout}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
