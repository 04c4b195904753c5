// Defects: detection and resolution time per defect, and the prevention rate with and without
// lessons. The workload's scripted agents make one mistake per category (a test report without
// its verdict, a lint log without "clean", a build log without "built", a file at the wrong
// path) unless their brief carries a lesson of that category; a rework fixes it. Run 1 makes the
// mistakes and leaves lessons; run 2 gives similar tasks to the same agent, once in the same
// workspace (with the lessons) and once in a fresh one (without). Real claude CLI, real git,
// scripted model.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defectRows, formatSpan } from '../src/protocol/defect-stats';
import type { RunSnapshot } from '../src/protocol/run-snapshot';
import { finish, steps, writeTool, type Scenario } from '../src/scripted-model/scenarios';
import { engineFixture } from '../test/support/engine-fixture';

interface Kind {
  readonly category: string;
  readonly title: string;
  /** The file the task must write, and what it must hold. */
  readonly file: (m: string) => string;
  readonly marker: string;
  readonly check: (m: string) => string;
  /** What the agent writes when it makes its mistake: [path, content]. */
  readonly mistake: (m: string) => readonly [string, string];
}

const KINDS: readonly Kind[] = [
  { category: 'failing-tests', title: 'Test report', file: (m) => `tests-${m}.txt`, marker: 'covered', check: (m) => `command: grep -q covered tests-${m}.txt`, mistake: (m) => [`tests-${m}.txt`, 'TODO\n'] },
  { category: 'lint', title: 'Lint log', file: (m) => `lint-${m}.txt`, marker: 'clean', check: (m) => `command: grep -q clean lint-${m}.txt`, mistake: (m) => [`lint-${m}.txt`, '3 warnings\n'] },
  { category: 'build', title: 'Build log', file: (m) => `build-${m}.txt`, marker: 'built', check: (m) => `command: grep -q built build-${m}.txt`, mistake: (m) => [`build-${m}.txt`, 'compiling\n'] },
  { category: 'missing-file', title: 'Release notes', file: (m) => `notes-${m}.md`, marker: 'notes', check: (m) => `file: notes-${m}.md`, mistake: (m) => [`note-${m}.md`, 'notes\n'] },
];

function prdFile(id: string, milestone: string, m: string): string {
  const tasks = KINDS.map((k, i) => [`  - id: T${i + 1}`, `    title: ${k.title} ${m.toUpperCase()}`, `    description: Write the ${k.title.toLowerCase()} ${k.file(m)} saying ${k.marker}.`, '    agent: backend-engineer', '    verify:', `      - ${k.check(m)}`].join('\n'));
  return ['---', `id: ${id}`, `milestone: "${milestone}"`, `title: ${id}`, 'tasks:', ...tasks, '---', `# ${id}`, ''].join('\n');
}

const ROADMAP = '# Prevention\n\n## Phase 1: Only\n\n### Milestone 1.1: First\n**Duration:** 1 day\n\n### Milestone 1.2: Second\n**Duration:** 1 day\n';

// The agent repeats its category's mistake unless its brief names a lesson of that category.
const agent: Scenario = (r, c) => {
  const kind = KINDS.find((k) => new RegExp(`## Task T\\d+: ${k.title} `).test(r.userText));
  const m = /## Task T\d+: [A-Za-z ]+ ([AB])/.exec(r.userText)?.[1]?.toLowerCase() ?? 'a';
  if (kind === undefined) return finish('Nothing to do.')(r, c);
  const heeds = r.userText.includes('was not accepted') || r.userText.includes(`- [${kind.category}] `);
  const [path, content] = heeds ? [kind.file(m), `${kind.marker}\n`] : kind.mistake(m);
  return steps([writeTool(path, content)], finish(heeds ? `Wrote ${kind.file(m)} saying ${kind.marker}, as the check needs.` : `Wrote ${path}.`))(r, c);
};

function recurred(run: RunSnapshot): Set<string> {
  return new Set(Object.values(run.defects ?? {}).map((d) => d.category));
}

async function runWorkload(withLessons: boolean): Promise<{ first?: RunSnapshot; second: RunSnapshot }> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-defects-'));
  const fixture = await engineFixture(dir, { 'a.md': prdFile('PRD-A', '1.1', 'a'), 'b.md': prdFile('PRD-B', '1.2', 'b') }, agent, ROADMAP);
  try {
    const first = withLessons ? (await fixture.run({ milestones: ['1.1'], parallel: 4 })).snapshot : undefined;
    const second = (await fixture.run({ milestones: ['1.2'], parallel: 4 })).snapshot;
    return { ...(first === undefined ? {} : { first }), second };
  } finally {
    await fixture.model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<void> {
  const withLessons = await runWorkload(true);
  const first = withLessons.first!;
  console.log(`run 1 (no lessons yet): ${Object.keys(first.defects ?? {}).length} defects over ${KINDS.length} tasks`);
  for (const d of defectRows(first, Date.now())) {
    console.log(`  ${d.id} ${d.taskId} ${d.source}/${d.category} ${d.severity}: detected in ${formatSpan(d.detectionMs)}, resolved in ${formatSpan(d.resolutionMs)} (${d.attempts.length} attempt(s)), ${d.state}`);
  }
  const without = await runWorkload(false);
  const seen = recurred(first);
  const againWith = [...recurred(withLessons.second)].filter((c) => seen.has(c));
  const againWithout = [...recurred(without.second)].filter((c) => seen.has(c));
  const lessonsInBriefs = Object.values(withLessons.second.attempts).filter((a) => a.prompt.includes('## Lessons from earlier defects')).length;
  console.log(`run 2, similar tasks: ${againWithout.length} of ${seen.size} categories recur without lessons, ${againWith.length} with them (${lessonsInBriefs} brief(s) carried lessons)`);
  const rate = againWithout.length === 0 ? Number.NaN : 1 - againWith.length / againWithout.length;
  console.log(`prevention rate: ${Number.isNaN(rate) ? 'n/a (nothing recurred without lessons)' : `${(rate * 100).toFixed(0)}%`} of repeated categories prevented (goal: over 80%)`);
}
