import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentsReply } from '../../src/protocol/dashboard-messages';
import { useTempDir } from '../support/temp-dir';
import { useServedRun } from './server-harness';

const OWN_AGENT = `---
name: docs-writer
description: Writes the user guide.
model: haiku
team: docs
phases: [implementation]
---

You write documentation.
`;

describe('dashboard server: the agent registry over the socket', () => {
  const dir = useTempDir('orch-agents-ws-');
  const served = useServedRun(dir, (workspace) => {
    const own = join(workspace, '.orch', 'agents');
    mkdirSync(own, { recursive: true });
    writeFileSync(join(own, 'docs-writer.md'), OWN_AGENT);
    writeFileSync(join(own, 'broken.md'), '---\nname: broken\n---\nno description\n');
  });

  it('answers an agents request with what GET /api/agents returns, matched by its id', async () => {
    const socket = await served.authedSocket();
    socket.send({ type: 'agents', id: 41 });
    const [, answer] = await socket.waitFor(2);
    assert.equal(answer?.type, 'agents');
    if (answer?.type !== 'agents') return;
    assert.equal(answer.id, 41);
    assert.ok(answer.reply.ok, JSON.stringify(answer.reply));
    const rest = await served.authedGet('/api/agents');
    assert.deepEqual(answer.reply.value, (rest.json() as { value: AgentsReply }).value);
    const own = answer.reply.value.agents.find((a) => a.name === 'docs-writer');
    assert.deepEqual(own && [own.description, own.model, own.provider, own.team, own.phases], ['Writes the user guide.', 'haiku', 'claude', 'docs', ['implementation']]);
    assert.ok(answer.reply.value.agents.some((a) => a.name === 'backend-engineer' && a.team === 'engineering'), 'built-in roster included');
    assert.deepEqual(
      answer.reply.value.invalid.map((i) => i.file.endsWith('broken.md')),
      [true],
    );
  });

  it('refuses a malformed request with an error quoting the field, and keeps the socket', async () => {
    const socket = await served.authedSocket();
    socket.send({ type: 'agents', id: -1 });
    const [, error] = await socket.waitFor(2);
    assert.equal(error?.type, 'error');
    assert.match(error?.type === 'error' ? error.message : '', /^invalid message: id: /);
    socket.send({ type: 'agents', id: 2 });
    const [, , answer] = await socket.waitFor(3);
    assert.deepEqual(answer?.type === 'agents' && [answer.id, answer.reply.ok], [2, true]);
  });

  it('sends nothing for an agents request before authentication and closes the socket', async () => {
    const socket = await served.openSocket();
    socket.send({ type: 'agents', id: 1 });
    const closed = await socket.closed;
    assert.equal(closed.code, 1008);
    assert.deepEqual(socket.messages, []);
  });
});
