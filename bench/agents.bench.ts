// The agent registry: discovery time for 1,000 agent files (goal: under 100 ms, the roadmap's
// Milestone 1.1 metric) and the latency from a file change to the registry's change event.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PHASES } from '../src/protocol/domain';
import { AgentRegistry } from '../src/orchestrator/agents/agent-registry';
import type { RegistryChange } from '../src/orchestrator/agents/agent-types';
import { buildSnapshot } from '../src/orchestrator/agents/build-snapshot';
import { TestWorkspace } from '../test/support/agents-workspace';
import { formatMs, percentile } from './stats';

const FILES = 1000;
const DISCOVERY_RUNS = 9;
const CHANGES = 20;
const DEBOUNCE_MS = 75;

function agentText(i: number, revision = 0): string {
  return [
    '---',
    `name: agent-${i}`,
    `description: Benchmark agent number ${i}, revision ${revision}. Use it for nothing in particular.`,
    'tools: Read, Write, Edit, Bash, Glob, Grep',
    `model: ${['opus', 'sonnet', 'haiku'][i % 3]}`,
    `team: team-${i % 10}`,
    'phases: [implementation, qa]',
    'color: blue',
    '---',
    '',
    `You are benchmark agent ${i}. ${'Work carefully and report what you did. '.repeat(20)}`,
    '',
  ].join('\n');
}

export async function bench(): Promise<void> {
  const ws = new TestWorkspace();
  try {
    for (let i = 0; i < FILES; i++) ws.write(join(ws.orchDir, `agent-${i}.md`), agentText(i));
    const options = { ...ws, phases: DEFAULT_PHASES };

    const discovery: number[] = [];
    for (let run = 0; run < DISCOVERY_RUNS; run++) {
      const start = performance.now();
      // No previous snapshot and no parse cache: every file is read and parsed.
      const { snapshot } = await buildSnapshot(options, undefined);
      discovery.push(performance.now() - start);
      if (snapshot.agents.size !== FILES || snapshot.invalid.length > 0) throw new Error(`loaded ${snapshot.agents.size} agents, ${snapshot.invalid.length} invalid`);
    }
    console.log(`discovery of ${FILES} agent files (read + parse + merge, ${DISCOVERY_RUNS} runs): first ${formatMs(discovery[0] ?? NaN)}, median ${formatMs(percentile(discovery, 50))}, best ${formatMs(Math.min(...discovery))}  (goal < 100 ms)`);

    const registry = await AgentRegistry.open({ ...options, debounceMs: DEBOUNCE_MS });
    try {
      const latencies: number[] = [];
      for (let n = 0; n < CHANGES; n++) {
        const index = (n * 37) % FILES;
        const seen = new Promise<RegistryChange>((resolve) => {
          const off = registry.onChange((change) => {
            if (change.changed.includes(`agent-${index}`)) {
              off();
              resolve(change);
            }
          });
        });
        const start = performance.now();
        writeFileSync(join(ws.orchDir, `agent-${index}.md`), agentText(index, n + 1));
        await seen;
        latencies.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const p50 = percentile(latencies, 50);
      const p95 = percentile(latencies, 95);
      console.log(`reload latency, file write to change event, ${FILES} agents (${CHANGES} changes, debounce ${DEBOUNCE_MS} ms): median ${formatMs(p50)}, p95 ${formatMs(p95)}, max ${formatMs(Math.max(...latencies))}`);
      console.log(`  of which after the debounce: median ${formatMs(p50 - DEBOUNCE_MS)}, p95 ${formatMs(p95 - DEBOUNCE_MS)}`);
    } finally {
      registry.dispose();
    }
  } finally {
    ws.cleanup();
  }
}
