import { strict as assert } from 'node:assert';
import { task } from '../../../test/support/builders';
import { ModelCatalog } from '../router/model-catalog';
import { routeTask, type RouteInput } from '../router/route-task';
import { EMPTY_HISTORY } from '../router/routing-history';
import { tierAdaptation } from './model-tier';

const catalog = ModelCatalog.build();
const on = { enabled: true, targetFirstPassRate: 0.85 };
const input: RouteInput = { task: task('P', 'T1', { description: 'Create one.txt.', verify: [{ kind: 'file', path: 'one.txt' }] }), phase: 'implementation', agentName: 'backend-engineer', agentProvider: 'claude', agentModel: 'sonnet' };

describe('model tier adaptation', () => {
  it('logs a move up a tier when history overrules the prior, with the rates and samples', () => {
    const complexity = routeTask(input, catalog, EMPTY_HISTORY, on).complexity;
    const history = { ...EMPTY_HISTORY, outcomes: [0, 1, 2, 3, 4].map(() => ({ model: 'haiku', complexity, firstPass: false, earlier: true })) };
    const learned = routeTask(input, catalog, history, on);
    const moved = tierAdaptation('P/T1', input, learned, catalog, history, on);
    assert.deepEqual([moved?.kind, moved?.from, moved?.to], ['model-tier', 'haiku', 'sonnet']);
    assert.match(moved!.reason, /^history moved the pick up from haiku \(fast\) to sonnet \(balanced\) against the 85\.0% target: haiku expects \d+\.\d% first pass \(prior 9\d\.\d%; 5 failed of 5 first attempts seen\); sonnet expects/);
  });

  it('logs nothing when history agrees with the prior, or there is none', () => {
    const complexity = routeTask(input, catalog, EMPTY_HISTORY, on).complexity;
    const good = { ...EMPTY_HISTORY, outcomes: [0, 1, 2].map(() => ({ model: 'haiku', complexity, firstPass: true })) };
    assert.equal(tierAdaptation('P/T1', input, routeTask(input, catalog, good, on), catalog, good, on), undefined);
    assert.equal(tierAdaptation('P/T1', input, routeTask(input, catalog, EMPTY_HISTORY, on), catalog, EMPTY_HISTORY, on), undefined);
  });
});
