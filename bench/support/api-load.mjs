#!/usr/bin/env node
// A bounded load generator for the dashboard API, in its own process so its work does not
// share the server's event loop: `readers` clients loop over the read routes and `controllers`
// clients alternate pause and resume, each waiting for its answer before the next request, for
// `seconds`. Prints one JSON line: the latency of every request, by kind, and any non-2xx status.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const { port, token, runId, readers, controllers, seconds } = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: readers + controllers });
const headers = { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}` };
const READS = ['/api/v1/runs', `/api/v1/runs/${runId}`, `/api/v1/runs/${runId}/events?after=0&limit=200`, '/api/v1/agents'];

function request(method, path) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
    });
    req.on('error', (error) => resolve({ ms: performance.now() - started, status: 0, error: error.message }));
    req.end();
  });
}

const result = { reads: [], controls: [], failures: {} };
const until = performance.now() + seconds * 1000;
async function loop(kind, next) {
  for (let i = 0; performance.now() < until; i += 1) {
    const [method, path] = next(i);
    const { ms, status } = await request(method, path);
    result[kind].push(ms);
    if (status < 200 || status > 299) result.failures[`${method} ${path.split('?')[0]} ${status}`] = (result.failures[`${method} ${path.split('?')[0]} ${status}`] ?? 0) + 1;
  }
}

await Promise.all([
  ...Array.from({ length: readers }, (_, r) => loop('reads', (i) => ['GET', READS[(i + r) % READS.length]])),
  ...Array.from({ length: controllers }, () => loop('controls', (i) => ['POST', `/api/v1/runs/${runId}/${i % 2 === 0 ? 'pause' : 'resume'}`])),
]);
agent.destroy();
process.stdout.write(`${JSON.stringify(result)}\n`);
