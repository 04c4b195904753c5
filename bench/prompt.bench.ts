// Prompt tokens per attempt: a real run (the real claude CLI against the scripted model) of a
// typical PRD and of a large one, printing each attempt's brief as Orch records it
// (attempt.started promptTokens, estimated as characters / 4) and the first request the CLI
// sent for it, estimated the same way (its system prompt and tool list included).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoScenario } from '../src/cli/demo/demo-scenario';
import type { OrchEvent } from '../src/protocol/events';
import type { RecordedRequest } from '../src/scripted-model/server';
import { engineFixture } from '../test/support/engine-fixture';
import { percentile } from './stats';

const ROADMAP = `# Bench

## Phase 1: Only phase

### Milestone 1.1: Everything
**Duration:** 1 week
**Focus:** the orders page of a shop
- A table of open orders
- Totals per customer

**Success Metrics:**
- Totals match the ledger
`;

function prdFile(tasks: number, bodyChars: number, descriptionChars: number): string {
  const lines = ['---', 'id: PRD-B', 'milestone: "1.1"', 'title: Orders page', 'tasks:'];
  for (let t = 1; t <= tasks; t++) {
    const depends = [t - 1, t - 2].filter((d) => d >= 1).map((d) => `T${d}`);
    const description = `Write out/t${t}.md for step ${t} of the orders page. ${'Keep the table readable and the totals exact. '.repeat(Math.ceil(descriptionChars / 46))}`.slice(0, descriptionChars);
    lines.push(`  - id: T${t}`, `    title: Step ${t} of the orders page`, `    description: ${JSON.stringify(description)}`, '    agent: backend-engineer', '    phase: implementation', `    depends: [${depends.join(', ')}]`, '    verify:', `      - file: out/t${t}.md`);
  }
  const paragraph = 'Shop staff need every open order with its customer, items and total, and the totals per customer. ';
  const body = `# Orders page\n\n${paragraph.repeat(Math.ceil(bodyChars / paragraph.length))}`.slice(0, bodyChars);
  lines.push('---', body, '');
  return lines.join('\n');
}

function firstRequestTokens(requests: readonly RecordedRequest[], brief: string): number | undefined {
  const first = requests.find((r) => r.parsed?.promptText.includes(brief.slice(0, 200)) === true);
  return first === undefined ? undefined : Math.ceil(JSON.stringify(first.body).length / 4);
}

async function measure(label: string, prd: string, parallel: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-prompt-'));
  const fixture = await engineFixture(dir, { 'b.md': prd }, demoScenario, ROADMAP);
  try {
    const outcome = await fixture.run({ parallel });
    const events = fixture.events(outcome.runId).filter((e): e is Extract<OrchEvent, { type: 'attempt.started' }> => e.type === 'attempt.started');
    const requests = fixture.model.modelRequests();
    console.log(`${label} (PRD file ${prd.length} chars; run ${outcome.result}):`);
    const briefs: number[] = [];
    for (const e of events) {
      const brief = e.promptTokens ?? Math.ceil(e.prompt.length / 4);
      briefs.push(brief);
      const request = firstRequestTokens(requests, e.prompt);
      console.log(`  ${e.attemptId}: brief ~${brief} tokens; first request ~${request ?? '?'} tokens (system prompt, tools and brief)`);
    }
    console.log(`  brief tokens (chars/4): median ${percentile(briefs, 50)}, max ${percentile(briefs, 100)} over ${briefs.length} attempts`);
  } finally {
    await fixture.model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<void> {
  await measure('typical PRD: 5 tasks, 2 KB body, 300-char descriptions', prdFile(5, 2_000, 300), 2);
  await measure('large PRD: 12 tasks, 40 KB body, 1,500-char descriptions', prdFile(12, 40_000, 1_500), 3);
}
