import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentsReply } from '../../src/protocol/dashboard-messages';
import { aliasBomb, nestedBlock } from '../support/hostile-yaml';
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

describe('dashboard server: hostile agent files', () => {
  const dir = useTempDir('orch-agents-hostile-');
  // The harness's home folder is the workspace: its .claude/agents is also "~/.claude/agents".
  const served = useServedRun(dir, (workspace) => {
    const home = join(workspace, '.claude', 'agents');
    const own = join(workspace, '.orch', 'agents');
    mkdirSync(home, { recursive: true });
    mkdirSync(own, { recursive: true });
    writeFileSync(join(home, 'bomb.md'), `---\nname: bomb\ndescription: d\n${aliasBomb().join('\n')}\n---\nbody\n`);
    writeFileSync(join(own, 'deep.md'), `---\nname: deep\ndescription: d\n${nestedBlock(4000).join('\n')}\n---\nbody\n`);
    writeFileSync(join(workspace, '.orch', 'teams.yaml'), `${nestedBlock(4000).join('\n')}\n`);
    writeFileSync(join(own, 'docs-writer.md'), OWN_AGENT);
  });

  it('lists an alias bomb and files nested 4,000 deep as invalid with their lines, and keeps serving', async () => {
    for (let i = 0; i < 2; i++) {
      const reply = await served.authedGet('/api/agents');
      assert.equal(reply.status, 200, reply.body);
      const { value } = reply.json() as { value: AgentsReply };
      assert.deepEqual(new Set(value.invalid.map((issue) => `${issue.file.slice(dir.path.length + 1)}:${issue.line}`)), new Set(['.claude/agents/bomb.md:5', `.orch/agents/deep.md:${4 + 64}`, `.orch/teams.yaml:${1 + 64}`]));
      assert.ok(value.agents.some((a) => a.name === 'docs-writer'));
    }
  });
});
