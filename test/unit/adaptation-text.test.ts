import { strict as assert } from 'node:assert';
import { adaptationChange, adaptationLines } from '../../src/protocol/adaptation-text';
import type { Adaptation } from '../../src/protocol/run-snapshot';

const at = (i: number): string => `2026-12-02T04:0${i}:00.000Z`;
const list: Adaptation[] = [
  { seq: 1, at: at(1), kind: 'parallelism', from: '4', to: '2', reason: '3 429 answer(s)' },
  { seq: 2, at: at(2), kind: 'model-tier', taskId: 'P/T1', from: 'haiku', to: 'sonnet', reason: 'history' },
  { seq: 3, at: at(3), kind: 'load-spread', taskId: 'P/T2', from: 'backend-engineer', to: 'frontend-engineer', reason: 'busy' },
  { seq: 4, at: at(4), kind: 'order', taskId: 'P/T3', from: 'P/T1, P/T3', to: 'P/T3, P/T1', reason: 'longer chain' },
];

describe('adaptation text', () => {
  it('says what changed in a few words for each kind', () => {
    assert.deepEqual(list.map(adaptationChange), ['parallel 4 -> 2', 'P/T1 haiku -> sonnet', 'P/T2 backend-engineer -> frontend-engineer', 'P/T3 first']);
  });

  it('prints the newest few, oldest first, with the UTC time and how many came before', () => {
    assert.deepEqual(adaptationLines(list, 2), ['(2 earlier)', '04:03:00 load-spread P/T2 backend-engineer -> frontend-engineer: busy', '04:04:00 order P/T3 first: longer chain']);
    assert.deepEqual(adaptationLines(undefined, 5), []);
  });
});
