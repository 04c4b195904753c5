import { strict as assert } from 'node:assert';
import { defaultConfig } from '../../src/orchestrator/config/orch-config';
import { parsePrd } from '../../src/orchestrator/plan/prd-parser';
import { answerDelayMs, FIRST_PASS, noise, passes, REWORK_PASS, SPEED, uniform, worldPrd, worldTasks } from '../../bench/support/world';
import { auc, brier, convergedAt, coverage, mape, median, trendPerStep } from '../../bench/support/world-report';

const keys = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}|${i}`);

describe('the simulated world of the learning and prediction benches', () => {
  it('draws the same luck for the same key, other luck for another, always in [0, 1)', () => {
    assert.equal(uniform('seed 1|T3|haiku|1'), uniform('seed 1|T3|haiku|1'));
    const draws = keys(5000, 'u').map(uniform);
    assert.ok(draws.every((d) => d >= 0 && d < 1));
    assert.equal(new Set(draws).size, draws.length);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
  });

  it('puts noise of mean 1 on durations, wider with a wider sigma', () => {
    const narrow = keys(20_000, 'n').map((k) => noise(k, 0.1));
    const wide = keys(20_000, 'n').map((k) => noise(k, 0.5));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(mean(narrow) - 1) < 0.01, `narrow mean ${mean(narrow)}`);
    assert.ok(Math.abs(mean(wide) - 1) < 0.03, `wide mean ${mean(wide)}`);
    assert.ok(Math.max(...wide) - Math.min(...wide) > 3 * (Math.max(...narrow) - Math.min(...narrow)));
    assert.ok(narrow.every((x) => x > 0));
  });

  it('passes each model at its table rate, first attempt and rework', () => {
    for (const family of ['haiku', 'sonnet', 'opus'] as const) {
      for (const difficulty of ['routine', 'hard'] as const) {
        const first = keys(4000, `${family}${difficulty}`).filter((k) => passes(family, difficulty, 1, k)).length / 4000;
        const rework = keys(4000, `${family}${difficulty}`).filter((k) => passes(family, difficulty, 2, k)).length / 4000;
        assert.ok(Math.abs(first - FIRST_PASS[family][difficulty]) < 0.03, `${family} ${difficulty} first ${first}`);
        assert.ok(Math.abs(rework - REWORK_PASS[family][difficulty]) < 0.03, `${family} ${difficulty} rework ${rework}`);
      }
    }
    assert.ok(FIRST_PASS.haiku.hard < FIRST_PASS.sonnet.hard && FIRST_PASS.sonnet.hard < FIRST_PASS.opus.hard);
  });

  it('keeps a task hidden duration per seed and scales an answer by the model speed', () => {
    assert.deepEqual(worldTasks(7), worldTasks(7));
    const [a, b] = [worldTasks(1), worldTasks(2)];
    assert.notDeepEqual(a.map((t) => t.baseSec), b.map((t) => t.baseSec));
    const task = a.find((t) => t.difficulty === 'hard')!;
    const ratio = answerDelayMs(task, 'opus', 'k') / answerDelayMs(task, 'haiku', 'k');
    assert.ok(Math.abs(ratio - SPEED.opus / SPEED.haiku) < 0.01, `ratio ${ratio}`);
    assert.deepEqual(
      [a.filter((t) => t.difficulty === 'routine').length, a.filter((t) => t.difficulty === 'hard').length],
      [5, 3],
    );
  });

  it('writes a PRD that Orch reads back with every task, its dependencies and its checks', () => {
    const tasks = worldTasks(1);
    const parsed = parsePrd(worldPrd(tasks), 'prds/PRD-1.md', defaultConfig.phases);
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(
      parsed.prd?.tasks.map((t) => [t.id, t.agent, [...t.depends], t.verify.length]),
      tasks.map((t) => [t.id, t.agent, [...t.depends], 2]),
    );
  });
});

describe('the world benches arithmetic', () => {
  it('reads a falling series as improvement and finds where it settles', () => {
    assert.ok(Math.abs(trendPerStep([10, 9, 8, 7, 6]) - -1 / 8) < 1e-9);
    assert.equal(trendPerStep([3, 3, 3]), 0);
    assert.equal(convergedAt([10, 6, 4, 4.1, 3.9, 4], 0.1), 2);
    assert.equal(median([3, 1, 2, Number.NaN]), 2);
  });

  it('scores intervals, errors and risk as their textbook definitions', () => {
    assert.equal(coverage([{ actual: 5, lo: 4, hi: 6 }, { actual: 7, lo: 4, hi: 6 }]), 0.5);
    assert.equal(mape([{ actual: 10, predicted: 11 }, { actual: 10, predicted: 7 }, { actual: 0, predicted: 3 }]), 0.2);
    assert.equal(brier([{ p: 1, happened: true }, { p: 0.5, happened: false }]), 0.125);
    assert.equal(auc([{ p: 0.9, happened: true }, { p: 0.1, happened: false }, { p: 0.5, happened: false }]), 1);
    assert.equal(auc([{ p: 0.2, happened: true }, { p: 0.2, happened: false }]), 0.5);
  });
});
