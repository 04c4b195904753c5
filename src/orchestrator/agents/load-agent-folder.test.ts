import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { DEFAULT_PHASES } from '../../protocol/domain';
import { CLAUDE_CODE_DECISIONS, CLAUDE_CODE_FIXTURES_DIR } from '../../../test/fixtures/agents/claude-code-decisions';
import { loadAgentFolder } from './load-agent-folder';

const DIR = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'agents', CLAUDE_CODE_FIXTURES_DIR);

describe('loadAgentFolder on agent files written for Claude Code', () => {
  const folder = loadAgentFolder(DIR, DEFAULT_PHASES, new Map(), new Map(), { claudeFolder: true });
  const loaded = new Map(folder.agents.map((a) => [relative(DIR, a.file), a.fields]));
  const refused = new Map<string, string[]>();
  for (const issue of folder.issues) refused.set(relative(DIR, issue.file), [...(refused.get(relative(DIR, issue.file)) ?? []), `${issue.line}: ${issue.message}`]);

  it('loads exactly the files Claude Code loads, under the names it uses, subfolders included', () => {
    for (const decision of CLAUDE_CODE_DECISIONS) {
      const fields = loaded.get(decision.file);
      if (decision.loads) {
        assert.equal(fields?.name, decision.name, `${decision.file}: ${JSON.stringify(refused.get(decision.file))}`);
        if (decision.description !== undefined) assert.equal(fields?.description, decision.description, decision.file);
      } else {
        assert.equal(fields, undefined, `${decision.file} should be refused`);
        assert.ok(refused.has(decision.file), `${decision.file} is neither loaded nor reported`);
      }
    }
    assert.equal(folder.agents.length + refused.size, CLAUDE_CODE_DECISIONS.length, 'a file outside the decisions list (the README?) was read');
  });

  it('says why each refused file is refused, at its line', () => {
    assert.deepEqual(Object.fromEntries([...refused].sort()), {
      'byte-order-mark.md': ['1: the file starts with a byte-order mark, so Claude Code finds no frontmatter in it'],
      'crlf-colon.md': ['3: malformed YAML frontmatter: Nested mappings are not allowed in compact mappings'],
      'dash-name.md': ["2: invalid name '-dash-name'"],
      'examples-as-list.md': ['5: malformed YAML frontmatter: Implicit keys need to be on a single line'],
      'four-dash-opening.md': ['1: no YAML frontmatter: the file must start with a --- line'],
      'indented-examples.md': ['3: malformed YAML frontmatter: Nested mappings are not allowed in compact mappings'],
      'no-name.md': ['1: missing name'],
      'numeric-description.md': ['3: description must be text, got 42'],
    });
  });

  it('warns, with file and line, of what Claude Code reads past', () => {
    const warnings = folder.warnings.map((w) => `${relative(DIR, w.file)}:${w.line}: ${w.message}`);
    assert.deepEqual(warnings, [
      'repeated-key.md:5: description is given twice (first at line 3); the last one counts, as in Claude Code',
      'tools-not-a-list.md:4: tools must be a list of tool names, got a mapping; the agent gets every tool',
      "unknown-tools.md:4: unknown tool 'SequentialThinking' (Claude Code ignores it)",
    ]);
    assert.deepEqual(loaded.get('unknown-tools.md')?.tools, ['Read', 'Grep', 'Glob', 'WebSearch', 'MultiEdit', 'TodoWrite', 'SequentialThinking', 'mcp__github__get_pull_request']);
    assert.equal(loaded.get('tools-not-a-list.md')?.tools, undefined);
    assert.deepEqual(loaded.get('tab-indented-tools.md')?.tools, ['Read', 'Edit']);
  });
});
