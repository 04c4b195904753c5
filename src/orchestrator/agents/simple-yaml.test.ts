import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWithLibrary } from './frontmatter';
import { parseSimpleYaml } from './simple-yaml';

const REPO = join(__dirname, '..', '..', '..');

/** The fast reader must either decline or agree exactly (values, data and lines) with the yaml package. */
function assertAgrees(yamlText: string): boolean {
  const simple = parseSimpleYaml(yamlText.split('\n'), 2);
  if (simple === undefined) return false;
  const library = parseWithLibrary(yamlText);
  assert.ok('entries' in library, `the yaml package rejects what the fast reader accepted:\n${yamlText}`);
  assert.deepEqual(simple, library.entries, yamlText);
  return true;
}

function frontmatterOf(text: string): string {
  const lines = text.split('\n');
  const end = lines.findIndex((line, i) => i > 0 && line === '---');
  return lines.slice(1, end).join('\n');
}

describe('parseSimpleYaml (the fast path for flat frontmatter)', () => {
  it('reads every built-in agent and agrees with the yaml package', () => {
    const dir = join(REPO, 'agents');
    for (const file of readdirSync(dir)) {
      assert.ok(assertAgrees(frontmatterOf(readFileSync(join(dir, file), 'utf8'))), `${file} fell back to the slow path`);
    }
  });

  it('agrees on the flat shapes it accepts', () => {
    const accepted = [
      'name: a\ndescription: Use it for x, y and z. Don\'t panic.\ntools: Read, Bash(git diff:*), mcp__orch__report_progress',
      'phases: [requirements, qa]\nmaxParallel: 3\nbudgetUsd: 2.5\nempty: []',
      'phases:\n  - qa\n  # a comment\n  - implementation\nmodel: opus',
      'phases:\n- qa\n- implementation\nnext: 1',
      'tools:\nmodel: sonnet',
      'description: "Quoted: with \\"escapes\\" and \\\\ and a\\nnewline"\nother: \'it\'\'s\'',
      'url: http://127.0.0.1:8080/x\nlang: C#\ntext: Uses [brackets] and {braces} inside',
      '# leading comment\n\nname: a   \n',
      'tab:\tvalue',
    ];
    for (const text of accepted) assert.ok(assertAgrees(text), `declined:\n${text}`);
  });

  it('declines what YAML reads in subtler ways, leaving it to the yaml package', () => {
    const declined = [
      'description: a: b',
      'flag: true',
      'flag: True',
      'n: 1e3',
      'n: 0x1F',
      'n: 007',
      'n: -1',
      'n: .inf',
      'n: ~',
      'description: first line\n  continued',
      'hooks:\n  PreToolUse: x',
      'anchor: &a x',
      'text: a # comment',
      'list:\n  - a\n    - b',
      'name: a\nname: b',
      'phases: [a, [b]]',
      'escaped: "a\\x41"',
      'folded: >\n  text',
      'list:\n  - ',
    ];
    for (const text of declined) assert.equal(parseSimpleYaml(text.split('\n'), 2), undefined, text);
  });

  it('agrees with the yaml package on generated flat documents', () => {
    // A fixed-seed generator of key/value lines built from pieces that sit near YAML's edges.
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const words = ['Read', 'qa', 'a b', "it's", 'x:y', 'C#', '"q"', "'s'", '[x]', '1', '1.5', '10', 'null', 'true', 'a,b', 'é', '-', '?x', 'x:', '%', '', ' ', '(p)'];
    const word = (): string => words[random(words.length)] as string;
    let accepted = 0;
    for (let doc = 0; doc < 3000; doc++) {
      const lines: string[] = [];
      const count = 1 + random(4);
      for (let i = 0; i < count; i++) {
        const key = `k${i}`;
        const shape = random(4);
        if (shape === 0) lines.push(`${key}: ${word()}${word()}`);
        else if (shape === 1) lines.push(`${key}: [${word()}, ${word()}]`);
        else if (shape === 2) lines.push(`${key}:`, `  - ${word()}`, `  - ${word()}`);
        else lines.push(`${key}: "${word()}"`);
      }
      if (assertAgrees(lines.join('\n'))) accepted++;
    }
    assert.ok(accepted > 300, `only ${accepted} generated documents took the fast path`);
  });
});
