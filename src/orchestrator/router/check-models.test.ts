import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { task } from '../../../test/support/builders';
import type { AgentDefinition } from '../agents/agent-types';
import { checkModels } from './check-models';
import { ModelCatalog } from './model-catalog';

function agent(extra: Partial<AgentDefinition>): AgentDefinition {
  return { name: 'dev', description: 'd', prompt: 'p', tools: undefined, model: 'sonnet', provider: 'claude', team: undefined, phases: ['implementation'], maxParallel: undefined, budgetUsd: undefined, extra: {}, source: 'agents/dev.md', origin: 'builtin', overrides: [], ...extra };
}

describe('checkModels', () => {
  const catalog = ModelCatalog.build();
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'orch-models-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts aliases, full ids and OpenAI models on the right provider', () => {
    assert.deepEqual(checkModels(task('P', 'T1', { model: 'claude-opus-4-8' }), agent({}), 'claude-opus-4-8', catalog), []);
    assert.deepEqual(checkModels(task('P', 'T1', { output: 'a.md' }), agent({ provider: 'openai', model: 'gpt-4.1' }), 'gpt-4.1', catalog), []);
  });

  it('names the PRD line of a pin that is unknown or on the other provider', () => {
    const where = { file: 'prds/a.md', line: 12 };
    const [unknown] = checkModels(task('P', 'T1', { model: 'gpt-9', source: where }), agent({}), 'gpt-9', catalog);
    assert.match(unknown!.format(), /^prds\/a\.md:12: task T1 pins model "gpt-9", which is not in the model catalog \(known models: opus, /);
    const [wrong] = checkModels(task('P', 'T1', { model: 'gpt-4.1', source: where }), agent({}), 'gpt-4.1', catalog);
    assert.match(wrong!.format(), /prds\/a\.md:12: task T1 pins openai model "gpt-4\.1" but its agent dev runs on claude/);
  });

  it('names the agent file and its model line for an unknown agent model', () => {
    const file = join(dir, 'dev.md');
    writeFileSync(file, '---\nname: dev\ndescription: d\nmodel: claude-9\n---\nbody\n');
    const [error] = checkModels(task('P', 'T1'), agent({ model: 'claude-9', source: file }), 'claude-9', catalog);
    assert.equal(error?.file, file);
    assert.equal(error?.line, 4);
    assert.match(error.message, /agent dev \(for task T1\) uses model "claude-9"/);
  });

  it('asks an OpenAI-routed task for its output path', () => {
    const [error] = checkModels(task('P', 'T1'), agent({ provider: 'openai', model: 'gpt-4.1-mini' }), 'gpt-4.1-mini', catalog);
    assert.match(error!.format(), /task T1 goes to OpenAI-routed agent dev but has no "output" path/);
  });
});
