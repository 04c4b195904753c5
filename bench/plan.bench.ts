// How long the plan model takes to read: the seed roadmap, and 2,000 generated tasks laid out
// two ways (many small PRDs, one PRD with a long dependency chain).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_PHASES } from '../src/protocol/domain';
import { loadPlan } from '../src/orchestrator/plan/load-plan';
import { checkPrdSet } from '../src/orchestrator/plan/prd-loader';
import { parsePrd } from '../src/orchestrator/plan/prd-parser';
import { parseRoadmap } from '../src/orchestrator/plan/roadmap-parser';
import { formatMs, percentile } from './stats';

async function sample(runs: number, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < Math.min(20, runs); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

function report(label: string, times: readonly number[]): void {
  console.log(`${label}: median ${formatMs(percentile(times, 50))}, p95 ${formatMs(percentile(times, 95))} (${times.length} runs)`);
}

const PHASES = ['requirements', 'implementation', 'qa'] as const;

function generatedPrd(index: number, tasks: number, milestone: string, chain: boolean): string {
  const lines = ['---', `id: PRD-${index}`, `milestone: "${milestone}"`, `title: Generated PRD ${index}`, 'tasks:'];
  for (let t = 1; t <= tasks; t++) {
    // Phases never decrease along the task order, so every dependency is on the same or an earlier phase.
    const phase = PHASES[Math.min(PHASES.length - 1, Math.floor(((t - 1) * PHASES.length) / tasks))];
    const depends = chain ? (t > 1 ? [`T${t - 1}`] : []) : t > 2 ? [`T${t - 1}`, `T${t - 2}`] : [];
    lines.push(
      `  - id: T${t}`,
      `    title: Task ${t} of PRD ${index}`,
      `    description: Write out/prd-${index}/task-${t}.md describing step ${t} in a few lines.`,
      '    agent: backend-engineer',
      `    phase: ${phase}`,
      `    depends: [${depends.join(', ')}]`,
      '    verify:',
      `      - file: out/prd-${index}/task-${t}.md`,
      `      - command: test -s out/prd-${index}/task-${t}.md`,
    );
  }
  lines.push('---', `Body of PRD ${index}.`, '');
  return lines.join('\n');
}

export async function bench(): Promise<void> {
  const seed = readFileSync(join(__dirname, '../test/fixtures/roadmaps/seed-roadmap.md'), 'utf8');
  report(`parseRoadmap(seed, ${seed.length} chars, 16 milestones)`, await sample(500, () => parseRoadmap(seed, 'seed.md')));

  const roadmap = `# Generated\n## Phase 1: Everything\n### Milestone 1.1: All\n- all of it\n`;
  const layouts = [
    { name: '100 PRDs x 20 tasks', files: Array.from({ length: 100 }, (_, i) => generatedPrd(i + 1, 20, '1.1', false)) },
    { name: '1 PRD x 2,000 tasks in one chain', files: [generatedPrd(1, 2000, '1.1', true)] },
  ];
  for (const layout of layouts) {
    const chars = layout.files.reduce((n, f) => n + f.length, 0);
    const parsed = () => checkPrdSet(layout.files.map((text, i) => parsePrd(text, `p${i}.md`, DEFAULT_PHASES)), ['1.1']);
    const count = parsed().reduce((n, prd) => n + prd.tasks.length, 0);
    report(`parse + validate ${layout.name} (${count} tasks, ${(chars / 1024).toFixed(0)} KiB)`, await sample(30, parsed));

    const dir = mkdtempSync(join(tmpdir(), 'orch-plan-bench-'));
    try {
      writeFileSync(join(dir, 'roadmap.md'), roadmap);
      mkdirSync(join(dir, 'prds'));
      layout.files.forEach((text, i) => writeFileSync(join(dir, 'prds', `prd-${i + 1}.md`), text));
      const load = () => loadPlan({ roadmapFile: join(dir, 'roadmap.md'), workspaceDir: dir });
      report(`loadPlan from disk, ${layout.name}`, await sample(30, load));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
