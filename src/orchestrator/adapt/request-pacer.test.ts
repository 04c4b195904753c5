import { strict as assert } from 'node:assert';
import type { AdaptationBody } from '../../protocol/events-adapt';
import { systemClock } from '../ports';
import { RequestPacer } from './request-pacer';

describe('request pacer (the run-wide gate tries go through)', () => {
  it('lets tries through at once, then after a 429 holds them all for its retry-after and lets them go one by one, first come first served; a cancelled wait leaves the queue', async () => {
    const logged: AdaptationBody[] = [];
    // A floor of 600 a minute: one try every 100 ms once the window opens, so the test is short.
    const pacer = new RequestPacer({ clock: systemClock, log: async (a) => logged.push(a), settings: { floorPerMin: 600, increasePerMin: 60, rampTries: 4, windowMs: 1_000 } });
    const first = await pacer.acquire(undefined);
    const second = await pacer.acquire(undefined);
    assert.ok(first !== undefined && second !== undefined);
    assert.equal(pacer.limiting, false);

    const limitedAt = Date.now();
    pacer.limited(first, 1);
    assert.equal(pacer.limiting, true);
    assert.ok(pacer.waitMs() > 0);
    const order: string[] = [];
    const stop = new AbortController();
    const a = pacer.acquire(undefined).then((t) => (order.push('a'), t));
    const cancelled = pacer.acquire(stop.signal).then((t) => (order.push('cancelled'), t));
    const b = pacer.acquire(undefined).then((t) => (order.push('b'), t));
    stop.abort();
    assert.equal(await cancelled, undefined);
    const [ta, tb] = await Promise.all([a, b]);
    assert.deepEqual(order, ['cancelled', 'a', 'b']);
    assert.ok(ta!.grantedAt >= limitedAt + 1_000, `let through ${ta!.grantedAt - limitedAt} ms after the 429 that asked for 1 s`);
    assert.ok(tb!.grantedAt > ta!.grantedAt);
    // The second try was let through before the cut: its 429 is the same burst, no new decision.
    pacer.limited(second, 1);
    assert.deepEqual(
      logged.map((l) => [l.kind, l.from, l.to]),
      [['request-rate', 'unlimited', '600/min']],
    );
    assert.match(logged[0]!.reason, /shared window/);
  });
});
