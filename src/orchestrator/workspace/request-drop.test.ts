import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropRequest, waitingRequests } from './request-drop';

describe('dropped requests', () => {
  it('are taken in the order they were dropped, also within one millisecond', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orch-drop-'));
    try {
      for (let i = 0; i < 50; i++) await dropRequest(dir, { i });
      const taken = await Promise.all((await waitingRequests(dir)).map(async (name) => (JSON.parse(await readFile(join(dir, name), 'utf8')) as { i: number }).i));
      assert.deepEqual(taken, Array.from({ length: 50 }, (_, i) => i));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
