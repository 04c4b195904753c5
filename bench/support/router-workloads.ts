// The simulated workloads of the router comparison. Both are explicit assumptions, not
// measurements of real models: what a model's first attempt and its reworks verify, per hidden
// difficulty, and how many tokens a model turn moves. The router sees only the tasks' plan
// features (phase, role, description, checks, dependencies, files named), never the difficulty.
import { createHash } from 'node:crypto';
import type { Prd, Roadmap, Task } from '../../src/protocol/domain';

export type Difficulty = 'routine' | 'moderate' | 'hard';
export type Family = 'opus' | 'sonnet' | 'haiku';
export const FAMILIES: readonly Family[] = ['haiku', 'sonnet', 'opus'];

export interface WorkTask {
  readonly task: Task;
  readonly difficulty: Difficulty;
  readonly files: readonly string[];
}

type Table = Readonly<Record<Family, Readonly<Record<Difficulty, number>>>>;

export interface Workload {
  readonly name: string;
  /** Printed above the results: what is assumed. */
  readonly summary: string;
  readonly prds: readonly (readonly WorkTask[])[];
  readonly firstPass: Table;
  readonly reworkPass: Table;
  readonly tokens: Readonly<Record<Difficulty, { inputTokens: number; outputTokens: number }>>;
}

export function allTasks(w: Workload): readonly WorkTask[] {
  return w.prds.flat();
}

/** A fixed draw in [0, 1) per key: every strategy of one repetition meets the same luck. */
export function draw(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 0x1_0000_0000;
}

const FILLER = [
  'Keep the public interface stable and handle errors with precise messages.',
  'Cover the edge cases the PRD lists and keep the existing behaviour where it is not mentioned.',
  'Coordinate with the tasks this one depends on and reuse what they produced.',
  'Mind concurrency, partial failure and what a crash in the middle leaves behind.',
];

function words(n: number, seed: string): string {
  const out: string[] = [];
  let count = 0;
  for (let i = 0; count < n; i++) {
    const s = FILLER[Math.floor(draw(`${seed}|${i}`) * FILLER.length)]!;
    out.push(s);
    count += s.split(' ').length;
  }
  return out.join(' ');
}

interface Shape {
  readonly phase: string;
  readonly agent: string;
  readonly files: number;
  readonly words: number;
  readonly depends: number;
}

function task(prdId: string, id: string, difficulty: Difficulty, shape: Shape, earlier: readonly string[], line: number): WorkTask {
  const files = Array.from({ length: shape.files }, (_, i) => `out/${id.toLowerCase()}-${i + 1}.txt`);
  const depends = earlier.slice(-shape.depends);
  const extra = shape.words > 0 ? ` ${words(shape.words, id)}` : '';
  return {
    difficulty,
    files,
    task: {
      id,
      prdId,
      title: `${shape.phase} work ${id}`,
      description: `Write ${files.join(', ')}.${extra}`,
      agent: shape.agent,
      phase: shape.phase,
      depends,
      verify: files.flatMap((f) => [{ kind: 'file' as const, path: f }, { kind: 'command' as const, command: `grep -q OK ${f}` }]),
      source: { file: `prds/${prdId.toLowerCase()}.md`, line },
    },
  };
}

/**
 * The first workload, kept so the dependence on the workload stays visible: 24 tasks
 * in one PRD, 10 easy, 8 medium, 6 hard, where hard tasks are most of the spend. Its
 * features match its difficulty exactly.
 */
export function legacyWorkload(): Workload {
  const out: WorkTask[] = [];
  const add = (difficulty: Difficulty, agent: string, depends: string[]): void => {
    const id = `T${out.length + 1}`;
    const n = difficulty === 'routine' ? 1 : difficulty === 'moderate' ? 2 : 3;
    const base = task('PRD-W', id, difficulty, { phase: 'implementation', agent, files: n, words: difficulty === 'routine' ? 0 : difficulty === 'moderate' ? 48 : 128, depends: 0 }, [], out.length + 1);
    out.push({ ...base, task: { ...base.task, depends } });
  };
  const easyRoles = ['backend-engineer', 'devops-engineer', 'qa-engineer', 'frontend-engineer', 'backend-engineer'];
  for (let i = 0; i < 10; i++) add('routine', easyRoles[i % easyRoles.length]!, []);
  for (let i = 0; i < 8; i++) add('moderate', i % 2 === 0 ? 'backend-engineer' : 'frontend-engineer', [`T${(i % 10) + 1}`]);
  for (let i = 0; i < 6; i++) add('hard', i % 3 === 2 ? 'security-architect' : 'staff-engineer', [`T${11 + i}`, `T${(i % 10) + 1}`]);
  return {
    name: 'legacy (hard-heavy)',
    summary: '24 tasks in one PRD: 10 easy, 8 medium, 6 hard (hard tasks are ~60% of always-strongest spend); features match difficulty exactly',
    prds: [out],
    firstPass: { opus: { routine: 0.99, moderate: 0.96, hard: 0.92 }, sonnet: { routine: 0.97, moderate: 0.9, hard: 0.72 }, haiku: { routine: 0.93, moderate: 0.62, hard: 0.3 } },
    reworkPass: { opus: { routine: 0.95, moderate: 0.9, hard: 0.85 }, sonnet: { routine: 0.9, moderate: 0.8, hard: 0.6 }, haiku: { routine: 0.8, moderate: 0.5, hard: 0.25 } },
    tokens: { routine: { inputTokens: 15_000, outputTokens: 600 }, moderate: { inputTokens: 30_000, outputTokens: 1_500 }, hard: { inputTokens: 60_000, outputTokens: 3_000 } },
  };
}

// What a task of each difficulty looks like in a PRD. The phase, role and size follow the
// difficulty, loosely: routine work is docs, config, tests and small features; hard work is
// design, security and cross-cutting changes.
const LOOKS: Readonly<Record<Difficulty, readonly Shape[]>> = {
  routine: [
    { phase: 'requirements', agent: 'project-manager', files: 1, words: 15, depends: 0 },
    { phase: 'implementation', agent: 'backend-engineer', files: 1, words: 25, depends: 0 },
    { phase: 'implementation', agent: 'frontend-engineer', files: 1, words: 20, depends: 1 },
    { phase: 'infrastructure', agent: 'devops-engineer', files: 1, words: 15, depends: 0 },
    { phase: 'qa', agent: 'qa-engineer', files: 1, words: 30, depends: 1 },
  ],
  moderate: [
    { phase: 'implementation', agent: 'backend-engineer', files: 2, words: 50, depends: 1 },
    { phase: 'implementation', agent: 'frontend-engineer', files: 2, words: 60, depends: 1 },
    { phase: 'qa', agent: 'qa-engineer', files: 2, words: 45, depends: 1 },
  ],
  hard: [
    { phase: 'architecture', agent: 'staff-engineer', files: 3, words: 120, depends: 1 },
    { phase: 'security-review', agent: 'security-architect', files: 2, words: 100, depends: 2 },
    { phase: 'implementation', agent: 'staff-engineer', files: 3, words: 140, depends: 2 },
  ],
};

// The roadmap's PRDs, one per milestone, in phase order: which difficulty each task hides.
// 40 tasks: 30 routine, 7 moderate, 3 hard.
const PRD_PLAN: readonly (readonly Difficulty[])[] = [
  ['routine', 'routine', 'moderate', 'routine', 'routine'],
  ['routine', 'hard', 'routine', 'routine', 'routine'],
  ['routine', 'routine', 'routine', 'moderate', 'routine'],
  ['routine', 'moderate', 'routine', 'routine', 'routine'],
  ['routine', 'routine', 'hard', 'moderate', 'routine'],
  ['routine', 'routine', 'routine', 'routine', 'moderate'],
  ['routine', 'hard', 'moderate', 'routine', 'routine'],
  ['routine', 'routine', 'moderate', 'routine', 'routine'],
];

const ADJACENT: Readonly<Record<Difficulty, readonly Difficulty[]>> = { routine: ['moderate'], moderate: ['routine', 'hard'], hard: ['moderate'] };

/** One in five tasks looks like an adjacent difficulty: the plan is a noisy signal, not the answer. */
export const DISGUISED_SHARE = 0.2;

/**
 * A roadmap as the seed's milestones look when broken into tasks: 8 PRDs of 5 tasks, most
 * routine (docs, config, tests, small features), a few hard. Success rates: public coding
 * benchmarks of late 2025 put the Haiku, Sonnet and Opus tiers within a few points of each
 * other on ordinary repository issues, the gap opening on the hardest work; a rework with the
 * failing checks in hand fixes most slips. Hard tasks take more tokens per turn and more turns.
 */
export function realisticWorkload(): Workload {
  const prds: WorkTask[][] = [];
  let n = 0;
  for (const [p, plan] of PRD_PLAN.entries()) {
    const prdId = `PRD-${p + 1}`;
    const tasks: WorkTask[] = [];
    for (const difficulty of plan) {
      n += 1;
      const id = `T${n}`;
      const disguised = draw(`disguise|${id}`) < DISGUISED_SHARE;
      const near = ADJACENT[difficulty];
      const looks = disguised ? near[Math.floor(draw(`looks|${id}`) * near.length)]! : difficulty;
      const shapes = LOOKS[looks];
      const shape = shapes[Math.floor(draw(`shape|${id}`) * shapes.length)]!;
      tasks.push(task(prdId, id, difficulty, shape, tasks.map((t) => t.task.id), tasks.length + 1));
    }
    // The PRD lists tasks by phase so a dependency always points at an earlier phase or the same one.
    prds.push(phaseOrder(tasks));
  }
  const disguisedCount = prds.flat().filter((t) => draw(`disguise|${t.task.id}`) < DISGUISED_SHARE).length;
  return {
    name: 'realistic roadmap',
    summary: `40 tasks in 8 PRDs: 30 routine, 7 moderate, 3 hard; ${disguisedCount} of them (${(DISGUISED_SHARE * 100).toFixed(0)}% on average) look like an adjacent difficulty`,
    prds,
    firstPass: { opus: { routine: 0.99, moderate: 0.96, hard: 0.9 }, sonnet: { routine: 0.98, moderate: 0.93, hard: 0.78 }, haiku: { routine: 0.96, moderate: 0.88, hard: 0.55 } },
    reworkPass: { opus: { routine: 0.95, moderate: 0.9, hard: 0.8 }, sonnet: { routine: 0.92, moderate: 0.85, hard: 0.65 }, haiku: { routine: 0.88, moderate: 0.75, hard: 0.45 } },
    tokens: { routine: { inputTokens: 12_000, outputTokens: 300 }, moderate: { inputTokens: 16_000, outputTokens: 600 }, hard: { inputTokens: 24_000, outputTokens: 1_200 } },
  };
}

const PHASES = ['requirements', 'architecture', 'security-review', 'implementation', 'infrastructure', 'qa'];

function phaseOrder(tasks: readonly WorkTask[]): WorkTask[] {
  const rank = (t: WorkTask): number => PHASES.indexOf(t.task.phase ?? '');
  const sorted = [...tasks].sort((a, b) => rank(a) - rank(b));
  // Dependencies may only point at tasks listed before, in an earlier or the same phase.
  return sorted.map((t, i) => {
    const before = sorted.slice(0, i).map((o) => o.task.id);
    const keep = t.task.depends.length === 0 ? [] : before.slice(-t.task.depends.length);
    return { ...t, task: { ...t.task, depends: keep } };
  });
}

/** Probability that a model verifies a task within `maxAttempts`, by the workload's tables. */
export function verifyProbability(w: Workload, family: Family, d: Difficulty, maxAttempts: number): number {
  const miss = (1 - w.firstPass[family][d]) * (1 - w.reworkPass[family][d]) ** (maxAttempts - 1);
  return 1 - miss;
}

/**
 * The oracle knows each task's hidden difficulty and the tables: the cheapest model whose
 * chance to verify within the attempts allowed is within one point of the strongest's. A
 * reference for what routing could reach, not a strategy.
 */
export function oracleModel(w: Workload, d: Difficulty, maxAttempts: number): Family {
  const best = verifyProbability(w, 'opus', d, maxAttempts);
  return FAMILIES.find((f) => verifyProbability(w, f, d, maxAttempts) >= best - 0.01) ?? 'opus';
}

export function roadmapOf(w: Workload, chosen: (t: WorkTask) => string | undefined): Roadmap {
  const src = { file: 'roadmap.md', line: 1 };
  const prds: Prd[] = w.prds.map((tasks, i) => ({
    id: tasks[0]!.task.prdId,
    milestoneId: `1.${i + 1}`,
    title: `PRD ${i + 1}`,
    body: '',
    tasks: tasks.map((t) => {
      const model = chosen(t);
      return model === undefined ? t.task : { ...t.task, model };
    }),
    source: { file: `prds/prd-${i + 1}.md`, line: 1 },
  }));
  return {
    title: 'bench',
    file: 'roadmap.md',
    phases: [{ id: '1', title: 'P', source: src, milestones: prds.map((prd, i) => ({ id: `1.${i + 1}`, phaseId: '1', title: `M${i + 1}`, features: [], successMetrics: [], prds: [prd], source: src })) }],
  };
}
