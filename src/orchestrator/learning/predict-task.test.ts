import { strict as assert } from 'node:assert';
import type { OutcomeRecord } from '../store/outcome-record';
import { DEFAULTS, predictTask, predictTaskDurationMs, taskSamples } from './predict-task';
import { taskFingerprint, type TaskFeatures } from './task-features';

// A synthetic world: each task has a hidden true duration, cost and chance of a first-pass
// failure; each run draws noisy outcomes from them. Predictions never see the hidden values.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface HiddenTask {
  readonly features: TaskFeatures;
  readonly durationMs: number;
  readonly costUsd: number;
  readonly failRate: number;
}

const random = rng(16);
const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const WORDS = ['parser', 'login', 'schema', 'report', 'cache', 'export', 'billing', 'search'];
const world: HiddenTask[] = Array.from({ length: 24 }, (_, i) => {
  const taskId = `PRD-${1 + (i % 3)}/T${i}`;
  const title = `${WORDS[i % WORDS.length]} ${WORDS[(i * 3 + 1) % WORDS.length]} step ${i}`;
  const complexity = Math.round(random() * 100) / 100;
  return {
    features: { taskId, fingerprint: taskFingerprint(taskId, title), title, phase: 'implementation', agent: 'backend-engineer', complexity },
    durationMs: Math.exp(Math.log(20_000) + random() * Math.log(30)),
    costUsd: 0.02 + random() * 0.5,
    failRate: i % 4 === 0 ? 0.8 : 0.1,
  };
});

function runOf(run: number): OutcomeRecord[] {
  return world.map((t, i) => {
    const noise = Math.exp(0.2 * gauss());
    const failed = random() < t.failRate;
    return {
      runId: `run-${run}`,
      attemptId: `a${i}`,
      taskId: t.features.taskId,
      prdId: t.features.taskId.split('/')[0]!,
      milestoneId: '1.1',
      title: t.features.title,
      fingerprint: t.features.fingerprint,
      phase: t.features.phase,
      agent: t.features.agent,
      model: 'claude-sonnet-4-5',
      complexity: t.features.complexity,
      attempt: 1,
      durationMs: t.durationMs * noise,
      costUsd: t.costUsd * noise,
      inputTokens: 1000,
      outputTokens: 100,
      succeeded: true,
      firstPass: !failed,
      defects: failed ? 1 : 0,
      taskState: 'verified',
      at: new Date(Date.UTC(2026, 0, run, 0, 0, i)).toISOString(),
    };
  });
}

function score(history: readonly OutcomeRecord[], heldOut: readonly OutcomeRecord[]) {
  const samples = taskSamples(history);
  let inside = 0;
  let error = 0;
  let brier = 0;
  for (const actual of heldOut) {
    const task = world.find((t) => t.features.taskId === actual.taskId)!;
    const p = predictTask(samples, task.features);
    if (actual.durationMs >= p.durationMs.lo && actual.durationMs <= p.durationMs.hi) inside++;
    error += Math.abs(p.durationMs.p50 - actual.durationMs) / actual.durationMs;
    brier += (p.risk - (actual.firstPass ? 0 : 1)) ** 2;
  }
  return { coverage: inside / heldOut.length, mape: error / heldOut.length, brier: brier / heldOut.length };
}

describe('task predictions', () => {
  const history = [1, 2, 3, 4, 5].flatMap(runOf);
  const heldOut = [6, 7].flatMap(runOf);

  it('exist with no history, on the stated defaults, and say so', () => {
    const p = predictTask([], world[0]!.features);
    assert.equal(p.basis, 'defaults');
    assert.equal(p.samples, 0);
    assert.equal(p.risk, DEFAULTS.risk);
    assert.equal(p.durationMs.p50, DEFAULTS.durationMs * (1 + 2 * world[0]!.features.complexity));
    assert.ok(p.durationMs.lo < p.durationMs.p50 && p.durationMs.p50 < p.durationMs.hi);
  });

  it('improve with history: lower error, intervals that hold about 80% of held-out runs, better risk', () => {
    const without = score([], heldOut);
    const withHistory = score(history, heldOut);
    assert.ok(withHistory.mape < without.mape / 3, `error ${withHistory.mape.toFixed(2)} with history vs ${without.mape.toFixed(2)} without`);
    assert.ok(withHistory.coverage >= 0.7, `coverage ${withHistory.coverage}`);
    assert.ok(withHistory.brier < without.brier, `Brier ${withHistory.brier.toFixed(3)} with history vs ${without.brier.toFixed(3)} without`);
  });

  it('narrow as history grows, and rest on the same task in earlier runs', () => {
    const width = (runs: number): number => {
      const samples = taskSamples([1, 2, 3, 4, 5].slice(0, runs).flatMap((r) => history.filter((o) => o.runId === `run-${r}`)));
      return world.reduce((sum, t) => {
        const p = predictTask(samples, t.features);
        assert.equal(p.basis, 'history');
        assert.equal(p.samples, runs);
        return sum + (p.durationMs.hi - p.durationMs.lo) / p.durationMs.p50;
      }, 0);
    };
    assert.ok(width(5) < width(1), `${width(5)} vs ${width(1)}`);
  });

  it('draw on similar tasks for a task never seen, and fall back to defaults for one unlike any', () => {
    const samples = taskSamples(history);
    const like = world[3]!.features;
    const renamed: TaskFeatures = { ...like, taskId: 'PRD-9/T1', fingerprint: taskFingerprint('PRD-9/T1', like.title), title: like.title };
    const similar = predictTask(samples, renamed);
    assert.equal(similar.basis, 'history');
    assert.match(similar.riskWhy, /similar tasks/);
    const alien: TaskFeatures = { taskId: 'X/T1', fingerprint: 'x', title: 'zebra quartz', phase: 'architecture', agent: 'architect', complexity: 0.99 };
    assert.equal(predictTask(samples, { ...alien, phase: 'implementation', agent: 'backend-engineer', complexity: like.complexity }).basis, 'history', 'same kind of work, new words');
    assert.equal(predictTask(samples, alien).basis, 'defaults');
  });

  it('rate a task that often fails its first pass riskier than one that rarely does, and say why', () => {
    const samples = taskSamples(history);
    const risky = predictTask(samples, world[0]!.features);
    const safe = predictTask(samples, world[1]!.features);
    assert.ok(risky.risk > safe.risk, `${risky.risk} vs ${safe.risk}`);
    assert.match(risky.riskWhy, /^claude-sonnet-4-5 first pass \d of 5 on this task in earlier runs$/);
  });

  it('predictTaskDurationMs gives the same interval as the full prediction, preferring the model asked for', () => {
    const f = world[2]!.features;
    const onHaiku = history.map((o) => (o.runId === 'run-1' ? { ...o, model: 'claude-haiku-4-5', durationMs: 1 } : o));
    assert.deepEqual(predictTaskDurationMs(history, f, 'claude-sonnet-4-5'), predictTask(taskSamples(history), f).durationMs);
    assert.equal(predictTaskDurationMs(onHaiku, f, 'claude-haiku-4-5').p50, 1);
  });
});
