import { strict as assert } from 'node:assert';
import { WorkLane } from './work-lane';

describe('WorkLane', () => {
  it('runs urgent work before queued background work, one at a time, and passes errors on', async () => {
    const lane = new WorkLane(1);
    const order: string[] = [];
    let running = 0;
    const job = (name: string, fail = false) => async () => {
      running += 1;
      assert.equal(running, 1, 'never two at once');
      order.push(name);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      if (fail) throw new Error(`${name} failed`);
      return name;
    };
    const first = lane.run(job('first'), 'background');
    const later = [lane.run(job('cleanup'), 'background'), lane.run(job('prefetch', true), 'background')];
    const urgent = lane.run(job('dispatch'), 'urgent');
    assert.equal(await urgent, 'dispatch');
    await first;
    await later[0];
    await assert.rejects(later[1]!, /prefetch failed/);
    assert.deepEqual(order, ['first', 'dispatch', 'cleanup', 'prefetch']);
  });
});
