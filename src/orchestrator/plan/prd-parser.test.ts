import { strict as assert } from 'node:assert';
import { DEFAULT_PHASES } from '../../protocol/domain';
import { aliasBomb, nestedBlock, nestedFlow } from '../../../test/support/hostile-yaml';
import { parsePrd } from './prd-parser';

function prd(yaml: string, body = ''): string {
  return `---\n${yaml.trim()}\n---\n${body}`;
}

/** "line: message" of each error, the file being the same everywhere here. */
function errors(text: string, phases: readonly string[] = DEFAULT_PHASES): string[] {
  const parsed = parsePrd(text, 'p.md', phases);
  for (const e of parsed.errors) assert.equal(e.file, 'p.md');
  return parsed.errors.map((e) => `${e.line ?? '?'}: ${e.message}`);
}

/** A PRD with a task T<n> per cap, written `budgetUsd: <cap>` on line 5 + 4n of the file. */
function withBudgets(...caps: readonly string[]): string {
  const tasks = caps.map((cap, i) => `  - id: T${i + 1}\n    title: a\n    description: b\n    budgetUsd: ${cap}`);
  return prd(`id: P\nmilestone: "1.1"\ntitle: t\ntasks:\n${tasks.join('\n')}`);
}

const GOOD = prd(
  `
id: PRD-3
milestone: 0.2
title: Live dashboard
tasks:
  - id: T1
    title: Serve the dashboard
    description: |
      Serve the built webview
      on 127.0.0.1.
    agent: backend-engineer
    phase: implementation
    depends: []
    model: sonnet
    output: docs/server-design.md
    verify:
      - file: src/server.ts
      - command: npm test
        timeout: 120
      - browser: { url: "http://127.0.0.1:5173/", expect: Dashboard, screenshot: true }
  - id: T2
    title: Test it
    description: Write the tests.
    depends: [T1]
`,
  '\n\n# Why\n\nBecause.\n',
);

describe('parsePrd', () => {
  it('reads every field of the docs/design.md §3 shape, with source lines and the body', () => {
    const { prd: p, errors: errs, milestoneLine } = parsePrd(GOOD, 'p.md', DEFAULT_PHASES);
    assert.deepEqual(errs, []);
    assert.equal(milestoneLine, 3);
    assert.deepEqual(p, {
      id: 'PRD-3',
      milestoneId: '0.2',
      title: 'Live dashboard',
      body: '# Why\n\nBecause.',
      source: { file: 'p.md', line: 2 },
      tasks: [
        {
          id: 'T1',
          prdId: 'PRD-3',
          title: 'Serve the dashboard',
          description: 'Serve the built webview\non 127.0.0.1.\n',
          agent: 'backend-engineer',
          phase: 'implementation',
          depends: [],
          model: 'sonnet',
          output: 'docs/server-design.md',
          verify: [
            { kind: 'file', path: 'src/server.ts' },
            { kind: 'command', command: 'npm test', timeoutSec: 120 },
            { kind: 'browser', url: 'http://127.0.0.1:5173/', expect: 'Dashboard', screenshot: true },
          ],
          source: { file: 'p.md', line: 6 },
          fieldLines: { agent: 11, model: 14 },
        },
        { id: 'T2', prdId: 'PRD-3', title: 'Test it', description: 'Write the tests.', depends: ['T1'], verify: [], source: { file: 'p.md', line: 21 } },
      ],
    });
  });

  it('keeps a milestone written as a plain number as written (1.10 stays 1.10)', () => {
    assert.equal(parsePrd(prd('id: P\nmilestone: 1.10\ntitle: t'), 'p.md', DEFAULT_PHASES).prd?.milestoneId, '1.10');
  });

  it('accepts a PRD without tasks (the planning agent fills it) and CRLF files', () => {
    const parsed = parsePrd('---\r\nid: P\r\nmilestone: "1.1"\r\ntitle: t\r\ntasks:\r\n---\r\nbody\r\n', 'p.md', DEFAULT_PHASES);
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(parsed.prd?.tasks, []);
    assert.equal(parsed.prd?.body, 'body');
  });

  it('reports malformed YAML at the file line of the error', () => {
    const out = errors(prd('id: P\nmilestone: "1.1"\ntitle: "unterminated\ntasks: []'));
    assert.equal(out.length, 1);
    assert.match(out[0] ?? '', /^5: malformed YAML: Missing closing "quote/);
    assert.deepEqual(errors(prd('id: P\nmilestone: "1.1"\ntitle: t\nid: Q')), ['5: malformed YAML: Map keys must be unique']);
  });

  it('refuses an alias bomb, an alias with no anchor and YAML nested 4,000 deep, at their lines', () => {
    const head = 'id: P\nmilestone: "1.1"\ntitle: t';
    assert.deepEqual(errors(prd(`${head}\n${aliasBomb().join('\n')}`)), ['6: the YAML aliases would expand more than 100 times, as in an alias bomb']);
    assert.deepEqual(errors(prd(`${head}\ntasks: [*nope]`)), ['5: the alias *nope has no anchor &nope before it']);
    assert.deepEqual(errors(prd(`${head}\n${nestedBlock(4000).join('\n')}`)), [`${5 + 64}: the YAML is nested more than 64 levels deep`]);
    assert.deepEqual(errors(prd(`${head}\ntasks:\n  - ${nestedFlow(4000)}`)), ['6: the YAML is nested more than 64 levels deep']);
  });

  it('reports a missing or unclosed frontmatter at line 1', () => {
    assert.deepEqual(errors('# Just a title\n'), ['1: no YAML frontmatter']);
    assert.deepEqual(errors('---\nid: P\n'), ['1: the frontmatter opened at line 1 is never closed']);
  });

  it('reports missing fields at their parent, ill-typed ones at the value, unknown keys at the key', () => {
    const out = errors(
      prd(`
id: [P]
title: t
owner: me
tasks:
  - id: T1
    title: 42
    descripton: typo
    depends: T0
    verify:
      - file: a.txt
        command: true
      - browser: { url: "ftp://x", screenshot: yes }
      - command: ok
        timeout: soon
      - just a string
`),
    );
    assert.deepEqual(out, [
      '4: unknown key \'owner\' in the PRD',
      "2: PRD 'id' must be a non-empty string, got a list",
      '2: missing \'milestone\'',
      "8: unknown key 'descripton' in a task",
      "7: task T1: 'title' must be a non-empty string, got number 42",
      '6: missing task T1: \'description\'',
      "9: task T1: 'depends' must be a list of task ids, got 'T0'",
      '11: task T1: a verify check needs exactly one of file, command, browser, got file and command',
      "13: task T1: browser 'url' must be an http:// or https:// URL or a relative path inside the task's worktree, got 'ftp://x'",
      "13: task T1: browser 'screenshot' must be true or false, got 'yes'",
      "15: task T1: 'timeout' must be a positive number of seconds, got 'soon'",
      "16: task T1: a verify check must be a mapping, got 'just a string'",
    ]);
  });

  it('reads a task\'s budgetUsd cap, and names a bad one at its line with the file', () => {
    const good = parsePrd(withBudgets('0.25'), 'p.md', DEFAULT_PHASES);
    assert.deepEqual(good.errors, []);
    assert.equal(good.prd?.tasks[0]?.budgetUsd, 0.25);
    const bad = parsePrd(withBudgets('lots', '-1'), 'p.md', DEFAULT_PHASES);
    assert.deepEqual(bad.errors.map((e) => e.format()), [
      "p.md:9: task T1: 'budgetUsd' must be a positive number of US dollars, got 'lots' (for example budgetUsd: 0.5)",
      "p.md:13: task T2: 'budgetUsd' must be a positive number of US dollars, got number -1 (for example budgetUsd: 0.5)",
    ]);
  });

  it('rejects ids that cannot name a branch, and paths that leave the workspace', () => {
    const out = errors(
      prd(`
id: PRD 1
milestone: "1.1"
title: t
tasks:
  - id: T1
    title: a
    description: b
    output: ../outside.md
    verify:
      - file: /etc/passwd
`),
    );
    assert.deepEqual(out, [
      "2: PRD id 'PRD 1' may only contain letters, digits, '.', '_' and '-'",
      "9: task T1: 'output' must be a relative path inside the workspace, got '../outside.md'",
      "11: task T1: verify 'file' must be a relative path inside the workspace, got '/etc/passwd'",
    ]);
  });

  it('rejects ids git would refuse in a branch name, at their line', () => {
    const long = `T${'x'.repeat(299)}`;
    const out = errors(prd(`id: PRD..1\nmilestone: "1.1"\ntitle: t\ntasks:\n  - id: T1.lock\n    title: a\n    description: b\n  - id: ${long}\n    title: a\n    description: b`));
    assert.deepEqual(out, [
      "2: PRD id 'PRD..1' must not contain '..'",
      "6: task id 'T1.lock' must not end with '.lock'",
      `9: task id '${long.slice(0, 80)}…' is 300 characters long; at most 64`,
    ]);
  });

  it('rejects a check timeout longer than a day, which would overflow the timer', () => {
    const out = errors(prd(`id: P\nmilestone: "1.1"\ntitle: t\ntasks:\n  - id: T1\n    title: a\n    description: b\n    verify:\n      - command: npm test\n        timeout: 3000000\n      - browser: {url: "http://127.0.0.1:1/", timeout: 99999999999999}`));
    assert.deepEqual(out, [
      "11: task T1: 'timeout' is 3000000 seconds; at most 86400 (a day)",
      "12: task T1: 'timeout' is 99999999999999 seconds; at most 86400 (a day)",
    ]);
  });

  it('rejects a duplicate task id, a dependency on no task, and an unknown phase, each at its line', () => {
    const out = errors(
      prd(`
id: P
milestone: "1.1"
title: t
tasks:
  - { id: T1, title: a, description: b, phase: requirements }
  - { id: T2, title: a, description: b, phase: implemantation, depends: [T1, T9] }
  - { id: T1, title: again, description: b }
`),
    );
    assert.deepEqual(out, [
      "7: task T2: unknown phase 'implemantation'",
      "8: duplicate task id 'T1' in P (first at line 6)",
      "7: task T2 depends on 'T9', which is not a task of P",
    ]);
  });

  it('checks phases against the list it is given', () => {
    const text = prd('id: P\nmilestone: "1"\ntitle: t\ntasks:\n  - { id: T1, title: a, description: b, phase: design }');
    assert.deepEqual(errors(text, ['design', 'build']), []);
    assert.deepEqual(errors(text), ["6: task T1: unknown phase 'design'"]);
  });

  it('names a dependency cycle at the line of its first edge, and a self-dependency', () => {
    const out = errors(
      prd(`
id: P
milestone: "1.1"
title: t
tasks:
  - id: T1
    title: a
    description: b
    depends:
      - T2
  - id: T2
    title: a
    description: b
    depends: [T3]
  - id: T3
    title: a
    description: b
    depends: [T1]
  - { id: T4, title: a, description: b, depends: [T4] }
`),
    );
    assert.deepEqual(out, ['10: dependency cycle in P: T1 -> T2 -> T3 -> T1', '19: dependency cycle in P: T4 -> T4']);
  });

  it('rejects a dependency on a task of a later workflow phase', () => {
    const out = errors(
      prd(`
id: P
milestone: "1.1"
title: t
tasks:
  - { id: T1, title: a, description: b, phase: requirements, depends: [T2] }
  - { id: T2, title: a, description: b, phase: qa }
  - { id: T3, title: a, description: b, phase: qa, depends: [T1] }
`),
    );
    assert.deepEqual(out, ['6: task T1 (requirements) depends on T2, which runs in a later phase (qa)']);
  });
});
