import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PHASES } from '../../protocol/domain';
import type { AgentIssue } from './agent-types';
import { aliasBomb, nestedBlock, nestedFlow } from '../../../test/support/hostile-yaml';
import { parseAgentFile, type AgentFields } from './parse-agent-file';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'agents');

function valid(text: string): AgentFields {
  const result = parseAgentFile(text, 'a.md', DEFAULT_PHASES);
  assert.ok(result.ok, `expected a valid file, got ${JSON.stringify(result)}`);
  return result.agent;
}

function warnings(text: string): AgentIssue[] {
  const result = parseAgentFile(text, 'a.md', DEFAULT_PHASES);
  assert.ok(result.ok, `expected a valid file, got ${JSON.stringify(result)}`);
  return [...result.warnings];
}

function issues(text: string): AgentIssue[] {
  const result = parseAgentFile(text, 'bad.md', DEFAULT_PHASES);
  assert.ok(!result.ok, 'expected the file to be rejected');
  return [...result.issues];
}

describe('parseAgentFile', () => {
  it('loads the Claude Code docs example unchanged, keeping its other keys in extra', () => {
    const file = join(FIXTURES, 'claude-docs-example.md');
    const result = parseAgentFile(readFileSync(file, 'utf8'), file, DEFAULT_PHASES);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.agent.name, 'db-reader');
    assert.deepEqual(result.agent.tools, ['Bash']);
    assert.equal(result.agent.model, 'inherit');
    assert.equal(result.agent.provider, 'claude');
    assert.deepEqual(result.agent.extra, {
      hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/validate-readonly-query.sh' }] }] },
    });
    assert.match(result.agent.prompt, /^You are a database analyst with read-only access\./);
    assert.match(result.agent.prompt, /only have read access\.$/);
  });

  it('loads the docs data-scientist example with its model', () => {
    const file = join(FIXTURES, 'claude-docs-data-scientist.md');
    const result = parseAgentFile(readFileSync(file, 'utf8'), file, DEFAULT_PHASES);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual([result.agent.name, result.agent.model, result.agent.tools], ['data-scientist', 'sonnet', ['Bash', 'Read', 'Write']]);
  });

  it('reads Orch keys, YAML tool lists, specifiers and MCP tools', () => {
    const agent = valid(
      [
        '---',
        'name: api',
        'description: Designs APIs',
        'tools:',
        '  - Read',
        '  - Bash(git diff:*, git log:*)',
        '  - mcp__orch__report_progress',
        'model: opus',
        'team: platform',
        'phases: [architecture, implementation]',
        'maxParallel: 3',
        'budgetUsd: 2.5',
        'color: blue',
        'permissionMode: acceptEdits',
        '---',
        'Prompt body.',
      ].join('\n'),
    );
    assert.deepEqual(agent.tools, ['Read', 'Bash(git diff:*, git log:*)', 'mcp__orch__report_progress']);
    assert.deepEqual([agent.team, agent.phases, agent.maxParallel, agent.budgetUsd], ['platform', ['architecture', 'implementation'], 3, 2.5]);
    assert.deepEqual(agent.extra, { color: 'blue', permissionMode: 'acceptEdits' });
    assert.equal(agent.prompt, 'Prompt body.');
    assert.ok(Object.isFrozen(agent.extra));
  });

  it('splits a comma-separated tools line only outside parentheses', () => {
    const agent = valid('---\nname: a\ndescription: d\ntools: Read, Agent(worker, researcher), Bash\n---\n');
    assert.deepEqual(agent.tools, ['Read', 'Agent(worker, researcher)', 'Bash']);
  });

  it('accepts a description with ": " that strict YAML rejects, as Claude Code does', () => {
    const agent = valid('---\nname: a\ndescription: Use this agent when: the user asks for a review\n---\nbody');
    assert.equal(agent.description, 'Use this agent when: the user asks for a review');
  });

  it('defaults model to inherit, provider to claude, phases to none and tools to inherited', () => {
    const agent = valid('---\nname: a\ndescription: d\n---\n');
    assert.deepEqual([agent.model, agent.provider, agent.phases, agent.tools], ['inherit', 'claude', [], undefined]);
  });

  it('reports malformed YAML at the line of the error', () => {
    // Claude Code's repair quotes `key: value` lines, not indented ones, so this stays broken for it too.
    const found = issues('---\nname: a\ndescription: d\nmodel: opus\ntools: Read\n  user: "x"\n---\nbody');
    assert.equal(found.length, 1);
    assert.match(found[0]?.message ?? '', /^malformed YAML frontmatter: /);
    // The yaml package places it at the value the indented line would continue.
    assert.equal(found[0]?.line, 5);
    assert.ok(found[0]?.hint);
  });

  it('repairs an unclosed flow list the way Claude Code does: the value becomes text', () => {
    const result = parseAgentFile('---\nname: a\ndescription: d\ntools: [Read, Bash\nmodel: opus\n---\nbody', 'a.md', DEFAULT_PHASES);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.agent.tools, ['[Read', 'Bash']);
    assert.deepEqual(result.warnings.map((w) => [w.line, w.message]), [[4, "unknown tool '[Read' (Claude Code ignores it)"]]);
  });

  it('lets the last of a repeated key count, as Claude Code does, with a warning at its line', () => {
    const result = parseAgentFile('---\nname: a\ndescription: d\nname: b\n---\n', 'a.md', DEFAULT_PHASES);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.agent.name, 'b');
    assert.deepEqual(result.warnings.map((w) => w.line), [4]);
    assert.match(result.warnings[0]?.message ?? '', /name is given twice \(first at line 2\)/);
  });

  it('reports a file without frontmatter and one never closed at line 1', () => {
    assert.deepEqual(issues('# Just markdown').map((i) => i.line), [1]);
    assert.match(issues('---\nname: a\n')[0]?.message ?? '', /never closed/);
  });

  it('reports a missing name and a missing description, with hints', () => {
    const missingName = issues('---\ndescription: d\n---\n');
    assert.deepEqual(missingName.map((i) => [i.line, i.message]), [[1, 'missing name']]);
    assert.match(missingName[0]?.hint ?? '', /name: bad/);
    const missingDescription = issues('---\nname: a\ndescription:\n---\n');
    assert.deepEqual(missingDescription.map((i) => [i.line, i.message]), [[3, 'missing description']]);
  });

  it('reports an unknown phase at its list item, suggesting the closest', () => {
    const [issue] = issues('---\nname: a\ndescription: d\nphases:\n  - requirements\n  - implementaton\n---\n');
    assert.deepEqual([issue?.line, issue?.message, issue?.hint], [6, "unknown phase 'implementaton'", "did you mean 'implementation'?"]);
  });

  it('checks phases against the phase list it is given', () => {
    const result = parseAgentFile('---\nname: a\ndescription: d\nphases: [design]\n---\n', 'a.md', ['design', 'build']);
    assert.ok(result.ok);
  });

  it('reports an unknown provider', () => {
    const [issue] = issues('---\nname: a\ndescription: d\nprovider: gemini\n---\n');
    assert.deepEqual([issue?.line, issue?.message], [4, "unknown provider 'gemini'"]);
  });

  it('warns of an unknown tool at its line with the closest known tool, and still loads the agent', () => {
    const [issue] = warnings('---\nname: a\ndescription: d\ntools: Read, Grpe\n---\n');
    assert.deepEqual([issue?.line, issue?.message, issue?.hint], [4, "unknown tool 'Grpe' (Claude Code ignores it)", "did you mean 'Grep'?"]);
    const [listed] = warnings('---\nname: a\ndescription: d\ntools:\n  - Read\n  - bash\n---\n');
    assert.deepEqual([listed?.line, listed?.hint], [6, "did you mean 'Bash'?"]);
  });

  it('reports an OpenAI model without provider openai, and provider openai without a model', () => {
    const [wrongProvider] = issues('---\nname: a\ndescription: d\nmodel: gpt-4.1\n---\n');
    assert.equal(wrongProvider?.line, 4);
    assert.match(wrongProvider?.hint ?? '', /provider: openai/);
    const [noModel] = issues('---\nname: a\ndescription: d\nprovider: openai\n---\n');
    assert.match(noModel?.message ?? '', /needs a model/);
    assert.equal(valid('---\nname: a\ndescription: d\nprovider: openai\nmodel: gpt-4.1-mini\n---\n').model, 'gpt-4.1-mini');
  });

  it('reports invalid maxParallel and budgetUsd quoting the value', () => {
    const found = issues('---\nname: a\ndescription: d\nmaxParallel: 0\nbudgetUsd: -1\n---\n');
    assert.deepEqual(found.map((i) => [i.line, i.message]), [
      [4, 'invalid maxParallel 0'],
      [5, 'invalid budgetUsd -1'],
    ]);
  });

  it('in Claude Code\'s folders, loads a file whose Orch keys are wrong, warning of each and ignoring it', () => {
    const text = '---\nname: a\ndescription: d\nprovider: gemini\nmodel: gpt-4o\nphases: [discovery, qa]\nmaxParallel: 0\nteam: ""\n---\n';
    assert.equal(parseAgentFile(text, 'a.md', DEFAULT_PHASES).ok, false);
    const result = parseAgentFile(text, 'a.md', DEFAULT_PHASES, { claudeFolder: true });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual([result.agent.provider, result.agent.model, result.agent.phases, result.agent.maxParallel, result.agent.team], ['claude', 'gpt-4o', ['qa'], undefined, undefined]);
    assert.deepEqual(result.warnings.map((w) => [w.line, w.message]), [
      [4, "unknown provider 'gemini'; ignored"],
      [5, "model 'gpt-4o' is an OpenAI model but provider is claude; ignored"],
      [6, "unknown phase 'discovery'; ignored"],
      [8, 'empty team; ignored'],
      [7, 'invalid maxParallel 0; ignored'],
    ]);
  });

  it('reports every problem of a file at once', () => {
    const found = issues('---\nname: a\nprovider: x\nmaxParallel: 0\n---\n');
    assert.deepEqual(found.map((i) => i.line).sort(), [1, 3, 4]);
  });

  it('refuses an alias bomb, an alias with no anchor and YAML nested 4,000 deep with their lines, never throwing', () => {
    const head = '---\nname: n\ndescription: d\n';
    const at = (text: string) => issues(text).map((i) => `${i.line}: ${i.message}`);
    assert.deepEqual(at(`${head}${aliasBomb().join('\n')}\n---\n`), ['5: the YAML aliases would expand more than 100 times, as in an alias bomb']);
    assert.deepEqual(at(`${head}color: *nope\n---\n`), ['4: the alias *nope has no anchor &nope before it']);
    assert.deepEqual(at(`${head}${nestedBlock(4000).join('\n')}\n---\n`), [`${4 + 64}: the YAML is nested more than 64 levels deep`]);
    assert.deepEqual(at(`${head}${nestedFlow(4000)}\n---\n`), ['4: the YAML is nested more than 64 levels deep']);
    // Inside an unclosed quote the first parse sees no nesting; Claude Code's repair then reads the deep list alone.
    const deepList = at(`${head}a: "open\ntools: ${'['.repeat(4000)}${']'.repeat(4000)}\n---\n`);
    assert.deepEqual(deepList, ['6: malformed YAML frontmatter: Missing closing "quote']);
  });

  it('keeps anchors and aliases within the limits, as Claude Code does', () => {
    const agent = valid('---\nname: n\ndescription: &d Reviews code\nsummary: *d\n---\n');
    assert.equal(agent.description, 'Reviews code');
    assert.deepEqual(agent.extra, { summary: 'Reviews code' });
  });

  it('refuses a name longer than 64 characters at its line, in Claude Code\'s folders too', () => {
    const long = `a${'b'.repeat(4999)}`;
    const text = `---\ndescription: d\nname: ${long}\n---\n`;
    assert.deepEqual(issues(text).map((i) => `${i.line}: ${i.message}`), ['3: the name is 5000 characters long; Orch reads agent names of up to 64']);
    const claude = parseAgentFile(text, 'bad.md', DEFAULT_PHASES, { claudeFolder: true });
    assert.equal(claude.ok, false);
    assert.equal(valid(`---\nname: ${'n'.repeat(64)}\ndescription: d\n---\n`).name.length, 64);
  });

  it('keeps a value YAML reads as binary data in extra without throwing, and refuses an alias inside its own anchor', () => {
    const agent = valid('---\nname: n\ndescription: d\nblob: !!binary aGVsbG8=\n---\n');
    assert.ok(agent.extra.blob instanceof Uint8Array);
    assert.deepEqual(issues('---\nname: n\ndescription: d\nloop: &l\n  self: *l\n---\n').map((i) => `${i.line}: ${i.message}`), ['5: the alias *l is inside its own anchor &l, so its value would contain itself']);
  });
});
