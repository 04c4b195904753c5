import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LiveDelivery } from './live-delivery';
import type { MessagingPort, ToolAnswer } from './mcp/message-tools';

/** A hub stand-in: messages wait in `waiting` until taken; `arrive` is what the hub's notice does. */
function hub(): MessagingPort & { waiting: string[]; taken: string[]; arrive(text: string): void; listeners: number; hold?: Promise<void> } {
  const listeners = new Set<() => void>();
  const none: Promise<ToolAnswer> = Promise.resolve({ text: '' });
  const self = {
    waiting: [] as string[],
    taken: [] as string[],
    hold: undefined as Promise<void> | undefined,
    get listeners() {
      return listeners.size;
    },
    arrive(text: string) {
      self.waiting.push(text);
      for (const l of listeners) l();
    },
    send: () => none,
    broadcast: () => none,
    readInbox: () => none,
    ask: () => none,
    async takeLive() {
      await self.hold;
      const text = self.waiting.join('\n');
      self.taken.push(...self.waiting.splice(0));
      return text;
    },
    onArrival(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return self;
}

function stdin(): { lines: string[]; ended: boolean; write(chunk: string): void; end(): void } {
  const self = {
    lines: [] as string[],
    ended: false,
    write: (chunk: string) => void self.lines.push(chunk),
    end: () => void (self.ended = true),
  };
  return self;
}

/** A delivery whose prompt is written, over a fresh stdin and hub. */
function started(takeWaitMs?: number): { input: ReturnType<typeof stdin>; h: ReturnType<typeof hub>; d: LiveDelivery } {
  const input = stdin();
  const h = hub();
  const d = new LiveDelivery(input, h, () => undefined, takeWaitMs === undefined ? {} : { takeWaitMs });
  d.start('go');
  return { input, h, d };
}

const userText = (line: string | undefined): unknown => (JSON.parse(line ?? '{}') as { message?: { content?: unknown } }).message?.content;
const settle = () => sleep(5);

describe('live delivery on the CLI stdin', () => {
  it('writes the prompt and keeps stdin open until a result line with nothing left to take', async () => {
    const input = stdin();
    let ended = 0;
    const d = new LiveDelivery(input, hub(), () => ended++);
    d.start('Do the task.');
    assert.equal(userText(input.lines[0]), 'Do the task.');
    assert.equal(input.ended, false);
    d.resultSeen();
    await settle();
    assert.equal(input.ended, true);
    assert.equal(ended, 1);
  });

  it('writes a message only while a tool call runs: one sent during a model turn waits for the next tool call', async () => {
    const { input, h, d } = started();
    h.arrive('[m1] hello');
    await settle();
    assert.equal(input.lines.length, 1, 'not written while no tool runs');
    assert.deepEqual(h.taken, [], 'and not marked delivered');
    d.toolStarted('toolu_1');
    await settle();
    assert.equal(userText(input.lines[1]), '[m1] hello');
    assert.deepEqual(h.taken, ['[m1] hello']);
    h.arrive('[m2] more');
    await settle();
    assert.equal(userText(input.lines[2]), '[m2] more', 'written at once while the tool runs');
    d.toolFinished('toolu_1');
    h.arrive('[m3] late');
    await settle();
    assert.equal(input.lines.length, 3);
  });

  it('lets the CLI answer a message it took after its last answer began, then ends stdin at that turn\'s result', async () => {
    const { input, h, d } = started();
    d.toolStarted('toolu_1');
    h.arrive('[m1] hello');
    await settle();
    d.toolFinished('toolu_1');
    d.resultSeen();
    await settle();
    assert.equal(input.ended, false, 'the CLI has not taken m1 yet');
    d.echoed('go');
    d.echoed('[m1] hello');
    d.resultSeen();
    await settle();
    assert.equal(input.ended, true);
  });

  it('ends stdin after a result line even when a message it wrote is never echoed', async () => {
    const { input, h, d } = started(20);
    d.toolStarted('toolu_1');
    h.arrive('[m1] hello');
    await settle();
    d.resultSeen();
    await settle();
    assert.equal(input.ended, false);
    await sleep(40);
    assert.equal(input.ended, true);
  });

  it('finishes a message being taken before it decides at a result line', async () => {
    const { input, h, d } = started(10_000);
    let release = (): void => undefined;
    h.hold = new Promise<void>((r) => (release = r));
    d.toolStarted('toolu_1');
    h.arrive('[m1] hello');
    d.toolFinished('toolu_1');
    d.resultSeen();
    await settle();
    assert.equal(input.ended, false);
    release();
    await settle();
    assert.equal(userText(input.lines[1]), '[m1] hello', 'written, since it was marked delivered');
    assert.equal(input.ended, false, 'and the CLI gets to answer it');
    d.echoed('[m1] hello');
    d.resultSeen();
    await settle();
    assert.equal(input.ended, true);
  });

  it('takes nothing once the CLI has exited, and stops listening to the hub', async () => {
    const { input, h, d } = started();
    assert.equal(h.listeners, 1);
    d.close();
    assert.equal(h.listeners, 0);
    h.waiting.push('[m1] hello');
    d.toolStarted('toolu_2');
    await settle();
    assert.deepEqual(h.taken, []);
    assert.equal(input.lines.length, 1);
  });

  it('ends stdin when the CLI says nothing after its prompt (a wrapper reading to the end of its input), and lets it go at its result', async () => {
    const input = stdin();
    const h = hub();
    let ended = 0;
    const silences: number[] = [];
    const d = new LiveDelivery(input, h, () => ended++, { silenceMs: 20, onSilent: (ms) => silences.push(ms) });
    d.start('go');
    await sleep(60);
    assert.equal(input.ended, true);
    assert.deepEqual(silences, [20]);
    d.toolStarted('toolu_1');
    h.arrive('[m1] hello');
    await settle();
    assert.deepEqual(h.taken, [], 'no message is marked delivered on a closed stdin');
    assert.equal(ended, 0, 'the CLI is not let go before its result');
    d.resultSeen();
    assert.equal(ended, 1);
  });

  it('keeps stdin open for a CLI that answered its prompt, however long its turn takes', async () => {
    const input = stdin();
    const silences: number[] = [];
    const d = new LiveDelivery(input, hub(), () => undefined, { silenceMs: 20, onSilent: (ms) => silences.push(ms) });
    d.start('go');
    d.heard();
    await sleep(60);
    assert.equal(input.ended, false);
    assert.deepEqual(silences, []);
    d.close();
  });
});
