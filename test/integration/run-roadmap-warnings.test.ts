import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';
import { useTempDir } from '../support/temp-dir';

const ROADMAP = `# R

## Phase 1: Build

### 1.1 Feature
- a feature

### 2.1 Misplaced
- numbered for phase 2
`;

const PRD = `---
id: PRD-1
milestone: "1.1"
title: Feature
tasks:
  - id: T1
    title: Build it
    description: Build the feature.
    agent: nobody-by-this-name
---
`;

// `orch run` shows what `orch plan` warns about before it starts anything.
describe('orch run: roadmap warnings', () => {
  const tmp = useTempDir('orch-run-warnings-');

  it('prints each heading it could not place, with file and line, on stderr', async () => {
    const ws = join(tmp.path, 'ws');
    mkdirSync(join(ws, '.orch', 'prds'), { recursive: true });
    writeFileSync(join(ws, 'roadmap.md'), ROADMAP);
    writeFileSync(join(ws, '.orch', 'prds', 'prd-1.md'), PRD);
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: ws });
    const stderr: string[] = [];
    const io = { cwd: ws, env: { PATH: process.env.PATH, HOME: tmp.path }, out: () => undefined, err: (t: string) => void stderr.push(t) };
    // The PRD names an agent that does not exist, so the run stops at planning, after the warnings.
    const code = await runCli(['run', 'roadmap.md', '--no-dashboard'], io);
    assert.equal(code, 2, stderr.join('\n'));
    assert.equal(stderr[0], `orch: warning: ${join(ws, 'roadmap.md')}:8: '### 2.1 Misplaced' is numbered for phase 2 but is under phase 1 (line 3); it is not read as a milestone`);
    assert.match(stderr.join('\n'), /names agent "nobody-by-this-name", which is not in the registry/);
  });
});
