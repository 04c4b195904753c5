import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_PHASES } from '../../protocol/domain';
import { buildSnapshot } from './build-snapshot';
import { TestWorkspace } from '../../../test/support/agents-workspace';

describe('buildSnapshot', () => {
  let ws: TestWorkspace;
  beforeEach(() => {
    ws = new TestWorkspace();
  });
  afterEach(() => ws.cleanup());

  const load = async () => (await buildSnapshot({ ...ws, phases: DEFAULT_PHASES }, undefined)).snapshot;

  it('merges the four folders, later ones overriding earlier ones by name, and records what each overrides', async () => {
    const builtin = ws.writeAgent(ws.builtinDir, 'shared.md', ['name: shared', 'description: built-in', 'model: haiku']);
    const user = ws.writeAgent(ws.userDir, 'shared.md', ['name: shared', 'description: user', 'model: sonnet']);
    const claude = ws.writeAgent(ws.claudeDir, 'other-file-name.md', ['name: shared', 'description: project claude']);
    const orch = ws.writeAgent(ws.orchDir, 'shared.md', ['name: shared', 'description: project orch', 'model: opus']);
    ws.writeAgent(ws.builtinDir, 'only-builtin.md', ['name: only-builtin', 'description: b']);
    ws.writeAgent(ws.userDir, 'only-user.md', ['name: only-user', 'description: u']);
    const claudeOnly = ws.writeAgent(ws.claudeDir, 'mid.md', ['name: mid', 'description: c']);
    ws.writeAgent(ws.builtinDir, 'mid.md', ['name: mid', 'description: b']);

    const snapshot = await load();
    const shared = snapshot.agents.get('shared');
    assert.deepEqual([shared?.description, shared?.model, shared?.source, shared?.origin], ['project orch', 'opus', orch, 'workspace-orch']);
    assert.deepEqual(shared?.overrides, [builtin, user, claude]);
    assert.deepEqual(
      [...snapshot.agents.values()].map((a) => [a.name, a.origin]),
      [
        ['mid', 'workspace-claude'],
        ['only-builtin', 'builtin'],
        ['only-user', 'user'],
        ['shared', 'workspace-orch'],
      ],
    );
    assert.equal(snapshot.agents.get('mid')?.source, claudeOnly);
    assert.deepEqual(snapshot.invalid, []);
  });

  it('skips an invalid file with its issue and loads the rest; an invalid override leaves the lower definition active', async () => {
    const builtin = ws.writeAgent(ws.builtinDir, 'a.md', ['name: a', 'description: built-in a']);
    const broken = ws.writeAgent(ws.orchDir, 'a.md', ['name: a', 'description: mine', 'phases: [qa, deploy]']);
    ws.writeAgent(ws.orchDir, 'b.md', ['name: b', 'description: fine']);
    const snapshot = await load();
    assert.deepEqual([...snapshot.agents.keys()], ['a', 'b']);
    assert.equal(snapshot.agents.get('a')?.source, builtin);
    assert.deepEqual(snapshot.invalid.map((i) => [i.file, i.line, i.message]), [[broken, 4, "unknown phase 'deploy'"]]);
  });

  it('reports the second of two files with the same name in one folder at its name line, keeping the first', async () => {
    const first = ws.writeAgent(ws.claudeDir, 'a-first.md', ['name: twin', 'description: one']);
    const second = ws.writeAgent(ws.claudeDir, 'b-second.md', ['description: two', 'name: twin']);
    const snapshot = await load();
    assert.equal(snapshot.agents.get('twin')?.source, first);
    assert.equal(snapshot.invalid.length, 1);
    assert.deepEqual([snapshot.invalid[0]?.file, snapshot.invalid[0]?.line], [second, 3]);
    assert.match(snapshot.invalid[0]?.message ?? '', /duplicate agent name 'twin'.*a-first\.md/);
  });

  it('drops phases a configured workflow lacks from built-in agents, but reports them in the user\'s own files', async () => {
    ws.writeAgent(ws.builtinDir, 'shipped.md', ['name: shipped', 'description: d', 'phases: [security-review, build]']);
    const own = ws.writeAgent(ws.orchDir, 'own.md', ['name: own', 'description: d', 'phases: [security-review]']);
    const { snapshot } = await buildSnapshot({ ...ws, phases: ['design', 'build'] }, undefined);
    assert.deepEqual(snapshot.agents.get('shipped')?.phases, ['build']);
    assert.deepEqual(snapshot.invalid.map((i) => [i.file, i.line, i.message]), [[own, 4, "unknown phase 'security-review'"]]);
  });

  it('ignores README.md and files that are not Markdown', async () => {
    ws.write(join(ws.orchDir, 'README.md'), '# My agents\n');
    ws.write(join(ws.orchDir, 'notes.txt'), 'x');
    ws.writeAgent(ws.orchDir, 'a.md', ['name: a', 'description: d']);
    const snapshot = await load();
    assert.deepEqual([[...snapshot.agents.keys()], snapshot.invalid], [['a'], []]);
  });

  it('builds teams from teams.yaml and the agents own team key, warning about unknown members at their line', async () => {
    ws.writeAgent(ws.builtinDir, 'a.md', ['name: a', 'description: d', 'team: core']);
    ws.writeAgent(ws.builtinDir, 'b.md', ['name: b', 'description: d']);
    ws.writeAgent(ws.builtinDir, 'backend.md', ['name: backend', 'description: d']);
    ws.write(ws.teamsFile, '# my teams\ncore:\n  - b\n  - bakend\nsolo: [backend]\n');
    const snapshot = await load();
    assert.deepEqual([...snapshot.teams], [
      ['core', ['b', 'a']],
      ['solo', ['backend']],
    ]);
    assert.deepEqual(snapshot.warnings.map((w) => [w.file, w.line, w.message, w.hint]), [
      [ws.teamsFile, 4, "team 'core' names unknown agent 'bakend'", "did you mean 'backend'?"],
    ]);
  });

  it('reports a malformed teams file as invalid and still loads the agents', async () => {
    ws.writeAgent(ws.builtinDir, 'a.md', ['name: a', 'description: d']);
    ws.write(ws.teamsFile, 'core: [a\nqa: [b]\n');
    const snapshot = await load();
    assert.deepEqual([...snapshot.agents.keys()], ['a']);
    assert.equal(snapshot.invalid[0]?.file, ws.teamsFile);
    assert.match(snapshot.invalid[0]?.message ?? '', /^malformed YAML/);
    assert.equal(snapshot.teams.size, 0);
  });

  it('reports a team that is not a list at its line and keeps the other teams', async () => {
    ws.writeAgent(ws.builtinDir, 'a.md', ['name: a', 'description: d']);
    ws.write(ws.teamsFile, 'core: [a]\nbroken: a\n');
    const snapshot = await load();
    assert.deepEqual([...snapshot.teams.keys()], ['core']);
    assert.deepEqual(snapshot.invalid.map((i) => [i.line, i.message]), [[2, "team 'broken' must be a list of agent names"]]);
  });

  it('keeps the previous object for an unchanged definition and a new one for a changed definition', async () => {
    ws.writeAgent(ws.orchDir, 'same.md', ['name: same', 'description: d']);
    const changing = ws.writeAgent(ws.orchDir, 'changing.md', ['name: changing', 'description: v1']);
    const first = await buildSnapshot({ ...ws, phases: DEFAULT_PHASES }, undefined);
    ws.write(changing, '---\nname: changing\ndescription: v2\n---\n');
    const second = await buildSnapshot({ ...ws, phases: DEFAULT_PHASES }, first.snapshot, first.cache);
    assert.equal(second.snapshot.agents.get('same'), first.snapshot.agents.get('same'));
    assert.notEqual(second.snapshot.agents.get('changing'), first.snapshot.agents.get('changing'));
    assert.equal(second.snapshot.agents.get('changing')?.description, 'v2');
    assert.equal(first.snapshot.agents.get('changing')?.description, 'v1');
  });

  it('returns frozen definitions', async () => {
    ws.writeAgent(ws.orchDir, 'a.md', ['name: a', 'description: d', 'tools: Read', 'color: red']);
    const agent = (await load()).agents.get('a');
    assert.ok(agent && Object.isFrozen(agent) && Object.isFrozen(agent.tools) && Object.isFrozen(agent.extra));
  });
});
