// The simulated world of the learning and prediction benches: a small roadmap whose tasks hide
// a difficulty and a duration that the scripted model's answers realise. Everything here is an
// explicit assumption, not a measurement of real models, and none of it is tuned to the roadmap's
// goals: the numbers were set once, from the shape of public results (cheaper tiers close to the
// strong one on routine work, far behind on hard work), before any bench ran.
//
// Randomness is a keyed draw (sha256 of a key naming seed, iteration, task, model and attempt),
// not a stream: agents run in parallel, so the order of calls is not fixed, yet the same key
// always meets the same luck.
import { createHash } from 'node:crypto';

export type Family = 'haiku' | 'sonnet' | 'opus';
export type Difficulty = 'routine' | 'hard';

export interface WorldTask {
  readonly id: string;
  readonly difficulty: Difficulty;
  /** Hidden: seconds the first model answer of an attempt takes on sonnet, before noise. */
  readonly baseSec: number;
  readonly depends: readonly string[];
  /** What the plan shows: hard work looks like design work (a strong agent, a long brief). */
  readonly agent: string;
  readonly phase: string;
  readonly file: string;
  readonly description: string;
}

/** Chance that an attempt writes a correct file, first attempt and rework (the checks in hand). */
export const FIRST_PASS: Readonly<Record<Family, Readonly<Record<Difficulty, number>>>> = {
  haiku: { routine: 0.85, hard: 0.3 },
  sonnet: { routine: 0.93, hard: 0.6 },
  opus: { routine: 0.97, hard: 0.85 },
};
export const REWORK_PASS: Readonly<Record<Family, Readonly<Record<Difficulty, number>>>> = {
  haiku: { routine: 0.8, hard: 0.35 },
  sonnet: { routine: 0.9, hard: 0.6 },
  opus: { routine: 0.95, hard: 0.8 },
};
/** How long a model takes relative to sonnet. */
export const SPEED: Readonly<Record<Family, number>> = { haiku: 0.6, sonnet: 1, opus: 1.5 };
/** Tokens of each model turn; the claude CLI prices them at the model's rates. */
export const TOKENS: Readonly<Record<Difficulty, { readonly inputTokens: number; readonly outputTokens: number }>> = {
  routine: { inputTokens: 12_000, outputTokens: 400 },
  hard: { inputTokens: 24_000, outputTokens: 1_500 },
};
/** Log-normal noise on every answer's duration (mean 1): sigma 0.3 is about +-30% for one in three. */
export const DURATION_SIGMA = 0.3;
/** Each seed is its own world: a task's hidden base duration varies by up to +-30% between seeds. */
const WORLD_SPREAD = 0.3;

/** A uniform draw in [0, 1), fixed by its key. */
export function uniform(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 0x1_0000_0000;
}

/** A standard normal draw fixed by its key (Box-Muller over two keyed uniforms). */
export function normal(key: string): number {
  const u = Math.max(uniform(`${key}|u`), Number.MIN_VALUE);
  const v = uniform(`${key}|v`);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Multiplicative log-normal noise with mean 1. */
export function noise(key: string, sigma: number): number {
  return Math.exp(sigma * normal(key) - (sigma * sigma) / 2);
}

export function familyOf(model: string): Family {
  const m = model.toLowerCase();
  return m.includes('haiku') ? 'haiku' : m.includes('opus') ? 'opus' : 'sonnet';
}

// The roadmap: 8 tasks in one PRD, 5 routine and 3 hard; two chains and two loose tasks, so
// parallel 3 has work to overlap and a critical path that runs through the hard tasks.
const PLAN: readonly { readonly difficulty: Difficulty; readonly baseSec: number; readonly depends: readonly string[] }[] = [
  { difficulty: 'routine', baseSec: 1.5, depends: [] },
  { difficulty: 'routine', baseSec: 2, depends: [] },
  { difficulty: 'hard', baseSec: 5, depends: ['T1'] },
  { difficulty: 'routine', baseSec: 1, depends: [] },
  { difficulty: 'hard', baseSec: 6, depends: ['T2'] },
  { difficulty: 'routine', baseSec: 2.5, depends: ['T3'] },
  { difficulty: 'hard', baseSec: 4, depends: ['T4'] },
  { difficulty: 'routine', baseSec: 1.5, depends: ['T5', 'T6'] },
];

const HARD_BRIEF =
  'Design the change across the modules it touches, keep the public interface stable, handle partial failure and concurrency, and say what a crash in the middle leaves behind.';

export function worldTasks(seed: number): readonly WorldTask[] {
  return PLAN.map((p, i) => {
    const id = `T${i + 1}`;
    const file = `out/${id.toLowerCase()}.txt`;
    const spread = 1 + WORLD_SPREAD * (2 * uniform(`world|${seed}|${id}`) - 1);
    const hard = p.difficulty === 'hard';
    return {
      id,
      difficulty: p.difficulty,
      baseSec: p.baseSec * spread,
      depends: p.depends,
      agent: hard ? 'staff-engineer' : 'backend-engineer',
      phase: 'implementation',
      file,
      description: hard ? `Write ${file} with the design of part ${id}. ${HARD_BRIEF}` : `Write ${file}.`,
    };
  });
}

/** Whether attempt `attempt` (1 = first) of a task on `family` writes a correct file. */
export function passes(family: Family, difficulty: Difficulty, attempt: number, key: string): boolean {
  const table = attempt <= 1 ? FIRST_PASS : REWORK_PASS;
  return uniform(`pass|${key}`) < table[family][difficulty];
}

/** How long the first answer of an attempt waits: the hidden duration, the model's speed, noise. */
export function answerDelayMs(task: WorldTask, family: Family, key: string): number {
  return Math.round(1000 * task.baseSec * SPEED[family] * noise(`time|${key}`, DURATION_SIGMA));
}

/** The PRD file of the world's roadmap, in the frontmatter form `orch plan` reads. */
export function worldPrd(tasks: readonly WorldTask[]): string {
  const lines = ['---', 'id: PRD-1', 'milestone: "1.1"', 'title: World', 'tasks:'];
  for (const t of tasks) {
    lines.push(
      `  - id: ${t.id}`,
      `    title: Part ${t.id}`,
      `    description: ${JSON.stringify(t.description)}`,
      `    agent: ${t.agent}`,
      `    phase: ${t.phase}`,
      `    depends: [${t.depends.join(', ')}]`,
      '    verify:',
      `      - file: ${t.file}`,
      `      - command: grep -q OK ${t.file}`,
    );
  }
  lines.push('---', '# World', '');
  return lines.join('\n');
}

export const WORLD_ROADMAP = '# World\n\n## Phase 1: Only\n\n### Milestone 1.1: All\n**Focus:** world\n';
