import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, InputErrors } from '../errors';
import { AgentRegistry } from './agent-registry';
import type { RegistryChange } from './agent-types';
import { parseAgentFile } from './parse-agent-file';
import { TestWorkspace, waitFor } from '../../../test/support/agents-workspace';

describe('AgentRegistry', () => {
  let ws: TestWorkspace;
  let registry: AgentRegistry | undefined;
  let changes: RegistryChange[];

  beforeEach(() => {
    ws = new TestWorkspace();
    changes = [];
  });
  afterEach(() => {
    registry?.dispose();
    registry = undefined;
    ws.cleanup();
  });

  async function open(watch = true): Promise<AgentRegistry> {
    registry = await AgentRegistry.open({ ...ws, watch, debounceMs: 30 });
    registry.onChange((change) => changes.push(change));
    return registry;
  }

  const changeWhere = (what: string, test: (c: RegistryChange) => boolean) =>
    waitFor(() => changes.find(test), what);

  describe('hot reload', () => {
    it('sees an agent file added, changed and deleted, through change events', async () => {
      ws.writeAgent(ws.orchDir, 'keep.md', ['name: keep', 'description: d']);
      const reg = await open();

      const file = ws.writeAgent(ws.orchDir, 'new.md', ['name: new-agent', 'description: v1']);
      const added = await changeWhere('the add', (c) => c.added.includes('new-agent'));
      assert.equal(added.snapshot.agents.get('new-agent')?.description, 'v1');
      assert.equal(reg.get('new-agent')?.source, file);

      ws.writeAgent(ws.orchDir, 'new.md', ['name: new-agent', 'description: v2']);
      const changed = await changeWhere('the change', (c) => c.changed.includes('new-agent'));
      assert.equal(changed.snapshot.agents.get('new-agent')?.description, 'v2');

      unlinkSync(file);
      const removed = await changeWhere('the delete', (c) => c.removed.includes('new-agent'));
      assert.equal(removed.snapshot.agents.has('new-agent'), false);
      assert.equal(reg.get('new-agent'), undefined);
      assert.ok(reg.get('keep'));
      // Each reload that changed something carries a newer snapshot.
      const versions = changes.map((c) => c.snapshot.version);
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
      assert.equal(new Set(versions).size, versions.length);
    });

    it('reports a file that becomes invalid, keeping the others, and clears it when fixed', async () => {
      const file = ws.writeAgent(ws.orchDir, 'a.md', ['name: a', 'description: d']);
      ws.writeAgent(ws.orchDir, 'b.md', ['name: b', 'description: d']);
      await open();
      ws.write(file, '---\nname: a\ndescription: d\nprovider: gemini\n---\n');
      const broken = await changeWhere('the invalid file', (c) => c.invalid.length === 1);
      assert.deepEqual([broken.removed, broken.invalid[0]?.file, broken.invalid[0]?.line], [['a'], file, 4]);
      assert.ok(broken.snapshot.agents.has('b'));
      ws.writeAgent(ws.orchDir, 'a.md', ['name: a', 'description: d', 'tools: Read']);
      const fixed = await changeWhere('the fix', (c) => c.added.includes('a'));
      assert.deepEqual(fixed.invalid, []);
    });

    it('picks up folders that did not exist when it started', async () => {
      await open();
      assert.equal(existsSync(join(ws.workspace, '.orch')), false);
      ws.writeAgent(ws.orchDir, 'late.md', ['name: late', 'description: d']);
      await changeWhere('an agent in a new .orch/agents', (c) => c.added.includes('late'));
      ws.writeAgent(ws.userDir, 'home.md', ['name: home', 'description: d']);
      await changeWhere('an agent in a new ~/.claude/agents', (c) => c.added.includes('home'));
      // A folder deleted and created again is watched again.
      rmSync(join(ws.workspace, '.orch'), { recursive: true });
      await changeWhere('the folder removed', (c) => c.removed.includes('late'));
      ws.writeAgent(ws.orchDir, 'again.md', ['name: again', 'description: d']);
      await changeWhere('an agent in the re-created folder', (c) => c.added.includes('again'));
    });

    it('sees agents in subfolders, as Claude Code loads them, including edits there', async () => {
      ws.writeAgent(join(ws.claudeDir, 'design'), 'ui.md', ['name: UI Reviewer', 'description: v1']);
      const reg = await open();
      assert.equal(reg.get('UI Reviewer')?.description, 'v1');
      ws.writeAgent(join(ws.claudeDir, 'design'), 'ui.md', ['name: UI Reviewer', 'description: v2']);
      await changeWhere('the edit in the subfolder', (c) => c.changed.includes('UI Reviewer'));
      ws.writeAgent(join(ws.claudeDir, 'ops', 'oncall'), 'pager.md', ['name: pager', 'description: d']);
      await changeWhere('an agent in a new nested subfolder', (c) => c.added.includes('pager'));
      ws.writeAgent(join(ws.claudeDir, 'ops', 'oncall'), 'pager.md', ['name: pager', 'description: d2']);
      await changeWhere('the edit in the new subfolder', (c) => c.changed.includes('pager'));
    });

    it('reloads teams.yaml live', async () => {
      ws.writeAgent(ws.builtinDir, 'a.md', ['name: a', 'description: d']);
      ws.writeAgent(ws.builtinDir, 'b.md', ['name: b', 'description: d']);
      const reg = await open();
      ws.write(ws.teamsFile, 'core: [a]\n');
      await changeWhere('the new team', (c) => c.teamsChanged && c.snapshot.teams.has('core'));
      ws.write(ws.teamsFile, 'core: [a, b]\nextra: [ghost]\n');
      const second = await changeWhere('the edited team', (c) => (c.snapshot.teams.get('core') ?? []).length === 2);
      assert.deepEqual(second.snapshot.warnings.map((w) => [w.line, w.message]), [[2, "team 'extra' names unknown agent 'ghost'"]]);
      assert.deepEqual([second.added, second.changed, second.removed], [[], [], []]);
      assert.deepEqual(reg.snapshot.teams.get('core'), ['a', 'b']);
    });

    it('leaves a definition held by a running attempt untouched by reloads', async () => {
      const file = ws.writeAgent(ws.orchDir, 'worker.md', ['name: worker', 'description: v1', 'model: sonnet'], 'Original prompt.');
      const reg = await open();
      const held = reg.get('worker');
      assert.ok(held);
      const heldSnapshot = reg.snapshot;

      ws.writeAgent(ws.orchDir, 'worker.md', ['name: worker', 'description: v2', 'model: opus'], 'New prompt.');
      await changeWhere('the change', (c) => c.changed.includes('worker'));
      assert.deepEqual([held.description, held.model, held.prompt], ['v1', 'sonnet', 'Original prompt.']);
      assert.equal(reg.get('worker')?.model, 'opus');

      unlinkSync(file);
      await changeWhere('the delete', (c) => c.removed.includes('worker'));
      assert.deepEqual([held.description, held.model, held.prompt], ['v1', 'sonnet', 'Original prompt.']);
      assert.equal(heldSnapshot.agents.get('worker'), held);
      assert.throws(() => {
        (held as { model: string }).model = 'haiku';
      }, TypeError);
    });

    it('stops watching after dispose', async () => {
      const reg = await open();
      reg.dispose();
      // A live registry on the same folders is the witness: once it has reloaded for a second
      // edit, a watcher still alive would have reloaded for the first.
      const witness = await AgentRegistry.open({ ...ws, watch: true, debounceMs: 30 });
      const seen: RegistryChange[] = [];
      witness.onChange((change) => seen.push(change));
      try {
        ws.writeAgent(ws.orchDir, 'after.md', ['name: after', 'description: d']);
        await waitFor(() => seen.find((c) => c.added.includes('after')), 'the witness to see the first edit');
        ws.writeAgent(ws.orchDir, 'later.md', ['name: later', 'description: d']);
        await waitFor(() => seen.find((c) => c.added.includes('later')), 'the witness to see the second edit');
      } finally {
        witness.dispose();
      }
      assert.deepEqual([changes, reg.get('after')], [[], undefined]);
    });
  });

  describe('addAgent, removeAgent, setTeam', () => {
    it('addAgent writes a readable Claude Code file in .orch/agents that loads back the same', async () => {
      const reg = await open(false);
      const agent = await reg.addAgent({
        name: 'api-designer',
        description: 'Designs HTTP APIs: resources, errors, versioning.',
        prompt: 'You design APIs.\n\nWrite docs/api.md.',
        tools: ['Read', 'Write', 'Bash(git diff:*)'],
        model: 'sonnet',
        team: 'platform',
        phases: ['architecture'],
        maxParallel: 2,
        budgetUsd: 1.5,
        extra: { color: 'cyan' },
      });
      const file = join(ws.orchDir, 'api-designer.md');
      assert.equal(agent.source, file);
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^---\nname: api-designer\ndescription: "Designs HTTP APIs: resources, errors, versioning\."\ntools: Read, Write, Bash\(git diff:\*\)\nmodel: sonnet\n/);
      assert.match(text, /\n---\n\nYou design APIs\.\n\nWrite docs\/api\.md\.\n$/);
      const reparsed = parseAgentFile(text, file, reg.snapshot.phases);
      assert.ok(reparsed.ok);
      assert.deepEqual(
        [agent.description, agent.tools, agent.team, agent.phases, agent.maxParallel, agent.budgetUsd, agent.extra],
        ['Designs HTTP APIs: resources, errors, versioning.', ['Read', 'Write', 'Bash(git diff:*)'], 'platform', ['architecture'], 2, 1.5, { color: 'cyan' }],
      );
      assert.deepEqual(reg.snapshot.teams.get('platform'), ['api-designer']);
    });

    it('addAgent refuses an invalid agent with the same errors the file would get, and writes nothing', async () => {
      const reg = await open(false);
      await assert.rejects(
        reg.addAgent({ name: 'x', description: 'd', prompt: 'p', tools: ['Bahs'], phases: ['qa'] }),
        (error: unknown) => error instanceof InputErrors && /unknown tool 'Bahs'.*did you mean 'Bash'/.test(error.message),
      );
      await assert.rejects(reg.addAgent({ name: 'Bad Name', description: 'd', prompt: 'p' }), InputError);
      assert.equal(existsSync(ws.orchDir), false);
    });

    it('addAgent refuses to replace an existing file unless asked to', async () => {
      const reg = await open(false);
      await reg.addAgent({ name: 'a', description: 'v1', prompt: 'p' });
      await assert.rejects(reg.addAgent({ name: 'a', description: 'v2', prompt: 'p' }), /already exists/);
      const replaced = await reg.addAgent({ name: 'a', description: 'v2', prompt: 'p' }, { overwrite: true });
      assert.equal(replaced.description, 'v2');
    });

    it('an added agent overrides a built-in, and removing it brings the built-in back', async () => {
      const builtin = ws.writeAgent(ws.builtinDir, 'qa.md', ['name: qa', 'description: built-in']);
      const reg = await open(false);
      const mine = await reg.addAgent({ name: 'qa', description: 'mine', prompt: 'p' });
      assert.deepEqual([mine.origin, mine.overrides], ['workspace-orch', [builtin]]);
      const { removed, active } = await reg.removeAgent('qa');
      assert.equal(removed, mine.source);
      assert.equal(existsSync(mine.source), false);
      assert.deepEqual([active?.source, reg.get('qa')?.description], [builtin, 'built-in']);
    });

    it('removeAgent refuses built-in and home-folder agents and unknown names, clearly', async () => {
      ws.writeAgent(ws.builtinDir, 'cto.md', ['name: cto', 'description: d']);
      const mine = ws.writeAgent(ws.userDir, 'personal.md', ['name: personal', 'description: d']);
      const reg = await open(false);
      await assert.rejects(reg.removeAgent('cto'), (e: unknown) => e instanceof InputError && /built-in agent and cannot be removed/.test(e.message) && /\.orch\/agents/.test(e.hint ?? ''));
      await assert.rejects(reg.removeAgent('personal'), /home folder/);
      assert.ok(existsSync(mine));
      await assert.rejects(reg.removeAgent('ctoo'), (e: unknown) => e instanceof InputError && e.hint === "did you mean 'cto'?");
    });

    it('removeAgent deletes a workspace .claude/agents file too', async () => {
      const file = ws.writeAgent(ws.claudeDir, 'helper.md', ['name: helper', 'description: d']);
      const reg = await open(false);
      await reg.removeAgent('helper');
      assert.deepEqual([existsSync(file), reg.get('helper')], [false, undefined]);
    });

    it('setTeam writes teams.yaml keeping other teams and comments, and an empty list removes the team', async () => {
      for (const name of ['a', 'b', 'c']) ws.writeAgent(ws.builtinDir, `${name}.md`, [`name: ${name}`, 'description: d']);
      ws.write(ws.teamsFile, '# who works together\nold: [c] # keep me\n');
      const reg = await open(false);
      await reg.setTeam('core', ['a', 'b']);
      assert.equal(readFileSync(ws.teamsFile, 'utf8'), '# who works together\nold: [ c ] # keep me\ncore: [ a, b ]\n');
      assert.deepEqual([...reg.snapshot.teams], [
        ['old', ['c']],
        ['core', ['a', 'b']],
      ]);
      await reg.setTeam('old', []);
      assert.deepEqual([...reg.snapshot.teams.keys()], ['core']);
      await assert.rejects(reg.setTeam('core', ['a', 'zz']), /no agent named 'zz'/);
    });

    it('setTeam refuses to overwrite a teams file that is not valid YAML', async () => {
      ws.writeAgent(ws.builtinDir, 'a.md', ['name: a', 'description: d']);
      ws.write(ws.teamsFile, 'core: [a\n');
      const reg = await open(false);
      await assert.rejects(reg.setTeam('core', ['a']), /not valid YAML/);
      assert.equal(readFileSync(ws.teamsFile, 'utf8'), 'core: [a\n');
    });

    it('the watcher sees what addAgent wrote without a second event', async () => {
      const reg = await open(true);
      await reg.addAgent({ name: 'a', description: 'd', prompt: 'p' });
      await changeWhere('the add', (c) => c.added.includes('a'));
      // File events arrive in order: the watcher's reload for addAgent's write comes before (or
      // with) the one for this later edit, so a second event for 'a' would show up by then.
      ws.writeAgent(ws.orchDir, 'b.md', ['name: b', 'description: d']);
      await changeWhere('the outside edit', (c) => c.added.includes('b'));
      assert.deepEqual(changes.map((c) => [c.added, c.changed, c.removed]), [[['a'], [], []], [['b'], [], []]]);
    });
  });
});
