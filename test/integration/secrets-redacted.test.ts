import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { steps, useTool, writeTool } from '../../src/scripted-model/scenarios';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';
import { exited } from '../support/process-exit';

const PRD = `---
id: PRD-S
milestone: "1.1"
title: Secrets stay out
tasks:
  - id: T1
    title: Print the environment
    description: Show what the environment holds, then write done.txt.
    agent: backend-engineer
    phase: implementation
    verify:
      - file: done.txt
      - command: env
---
# Secrets
`;

describe('secrets in what Orch writes', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('keeps the API keys of its environment out of evidence and the event log, and evidence is owner-only', async () => {
    const scenario = steps([useTool('Bash', { command: 'echo "the key is $ANTHROPIC_API_KEY"', description: 'print the key' }), writeTool('done.txt', 'done\n')]);
    const fixture = await engineFixture(tmp.path, { 's.md': PRD }, scenario);
    try {
      const secret = fixture.env.ANTHROPIC_API_KEY!;
      // A secret with an ordinary name, declared in the config.
      const databaseUrl = 'postgres://orch:hunter2-db@db.internal/prod';
      (fixture.env as Record<string, string>).DATABASE_URL = databaseUrl;
      mkdirSync(join(fixture.workspace, '.orch'), { recursive: true });
      writeFileSync(join(fixture.workspace, '.orch', 'config.json'), JSON.stringify({ redact: ['DATABASE_URL'] }));
      const run = await exited(fixture.orch(['run', 'roadmap.md', '--no-dashboard']));
      assert.equal(run.code, 0, run.out);
      const runDir = join(fixture.workspace, '.orch', 'runs', readdirSync(join(fixture.workspace, '.orch', 'runs'))[0]!);
      const events = readFileSync(join(runDir, 'events.jsonl'), 'utf8');
      assert.ok(events.includes('the key is [redacted'), 'the agent printed its key, and the log holds the name instead');
      assert.ok(!events.includes(secret), 'no key in the event log');
      const evidence = readdirSync(join(runDir, 'evidence')).filter((f) => f.endsWith('.log'));
      assert.ok(evidence.length > 0);
      for (const file of evidence) {
        const path = join(runDir, 'evidence', file);
        const text = readFileSync(path, 'utf8');
        assert.ok(!text.includes(secret), `no key in ${file}`);
        assert.match(text, /ANTHROPIC_API_KEY=\[redacted [A-Z_]+\]/);
        assert.ok(!text.includes(databaseUrl), `no configured secret in ${file}`);
        assert.match(text, /DATABASE_URL=\[redacted DATABASE_URL\]/);
        assert.equal(statSync(path).mode & 0o777, 0o600, `${file} is owner-only`);
      }
    } finally {
      await fixture.model.close();
    }
  });
});
