// What one CLI run is spending while it streams, turn by turn. `message_start` tells a turn's
// input (fresh, cache read, cache write) before any of its output exists; the output's size is
// known only at `message_delta`, so until then it is estimated from the streamed deltas.

import { isObject, type Json } from './stream-messages';

/** Characters per output token when estimating from streamed text: a turn's output is mostly English and code. */
const CHARS_PER_TOKEN = 4;

export interface TurnUsage {
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  /** The final count once `message_delta` said it, else an estimate from the streamed deltas. */
  readonly outputTokens: number;
  /** The turn asked for a tool: the model will be called again after it. */
  readonly wantsTool: boolean;
  readonly ended: boolean;
}

/** The moments a budget is worth checking: a turn's input is known, its output grew, or it asked for a tool. */
export type SpendMoment = 'turn-started' | 'output' | 'tool-requested' | 'turn-ended';

interface MutableTurn {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reportedOutput: number | undefined;
  streamedChars: number;
  wantsTool: boolean;
  ended: boolean;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

export class StreamSpend {
  private readonly turns: MutableTurn[] = [];

  /** Reads one stream line; says which moment it was, or undefined when it carries no spend. */
  observe(m: Json): SpendMoment | undefined {
    if (m.type !== 'stream_event' || !isObject(m.event)) return undefined;
    const e = m.event;
    if (e.type === 'message_start') {
      const u = isObject(e.message) && isObject(e.message.usage) ? e.message.usage : {};
      this.turns.push({
        inputTokens: count(u.input_tokens),
        cacheReadTokens: count(u.cache_read_input_tokens),
        cacheWriteTokens: count(u.cache_creation_input_tokens),
        reportedOutput: undefined,
        streamedChars: 0,
        wantsTool: false,
        ended: false,
      });
      return 'turn-started';
    }
    const turn = this.turns.at(-1);
    if (turn === undefined) return undefined;
    if (e.type === 'content_block_start' && isObject(e.content_block) && e.content_block.type === 'tool_use') {
      turn.wantsTool = true;
      return 'tool-requested';
    }
    if (e.type === 'content_block_delta' && isObject(e.delta)) {
      const d = e.delta;
      const text = [d.text, d.partial_json, d.thinking].find((t): t is string => typeof t === 'string') ?? '';
      turn.streamedChars += text.length;
      return 'output';
    }
    if (e.type === 'message_delta') {
      if (isObject(e.usage) && typeof e.usage.output_tokens === 'number') turn.reportedOutput = count(e.usage.output_tokens);
      if (isObject(e.delta) && e.delta.stop_reason === 'tool_use') turn.wantsTool = true;
      return 'output';
    }
    if (e.type === 'message_stop') {
      turn.ended = true;
      return 'turn-ended';
    }
    return undefined;
  }

  usage(): readonly TurnUsage[] {
    return this.turns.map((t) => ({
      inputTokens: t.inputTokens,
      cacheReadTokens: t.cacheReadTokens,
      cacheWriteTokens: t.cacheWriteTokens,
      outputTokens: t.reportedOutput ?? Math.ceil(t.streamedChars / CHARS_PER_TOKEN),
      wantsTool: t.wantsTool,
      ended: t.ended,
    }));
  }

  totals(): { readonly inputTokens: number; readonly outputTokens: number } {
    return this.usage().reduce(
      (sum, t) => ({ inputTokens: sum.inputTokens + t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens, outputTokens: sum.outputTokens + t.outputTokens }),
      { inputTokens: 0, outputTokens: 0 },
    );
  }
}
