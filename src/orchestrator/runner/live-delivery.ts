// Live delivery: messages for a running agent go on the CLI's stream-json stdin, which stays
// open for the whole try. A line written while one of the agent's tool calls runs is in the
// CLI's very next model request, in the middle of the turn (measured with the pinned CLI: see
// docs/design.md, "Agents that talk"). This replaced a PostToolUse HTTP hook, which cost the CLI
// about 100 ms of CPU per try and each tool round about 80 ms.
//
// A line the CLI reads after its last model request has begun starts a new turn once that
// request ends (a second `init` and `result`). So messages are written only while a tool call
// runs; one that comes during the final answer stays pending, for the task's next attempt or
// returned once the task has finished, as before. The CLI echoes each line it takes
// (`--replay-user-messages`): stdin ends at a result line only when every message written was
// taken, else the CLI answers the late one in a turn of its own before it is let go.

import { promptLine } from './claude-args';
import type { MessagingPort } from './mcp/message-tools';

/** The part of the CLI's stdin the delivery writes to. */
export interface DeliveryInput {
  write(chunk: string): unknown;
  end(): unknown;
}

/** How long a result line waits for the CLI to take a message it was given before stdin ends anyway. */
const TAKE_WAIT_MS = 5_000;

/**
 * How long after its prompt a CLI may stay silent before stdin ends anyway. The real CLI answers
 * a prompt with its `init` line within seconds, even on a loaded machine; a `--claude-path`
 * wrapper that reads all of its input before it runs the CLI would wait for an end that never
 * comes, until the inactivity timeout.
 */
const SILENCE_MS = 30_000;

export interface DeliveryTiming {
  readonly takeWaitMs?: number;
  readonly silenceMs?: number;
  /** Stdin ended because the CLI said nothing after its prompt: messages wait for the next attempt. */
  readonly onSilent?: (silenceMs: number) => void;
}

export class LiveDelivery {
  private readonly openTools = new Set<string>();
  /** A message may be waiting: set by the hub's notice (and at the start), cleared when taken. */
  private wanted = true;
  private taking: Promise<void> | undefined;
  /** Texts written and not yet echoed by the CLI. */
  private readonly untaken: string[] = [];
  private ended = false;
  /** Stdin was ended for a CLI that said nothing: its result line only lets it go. */
  private silent = false;
  private waitTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private readonly unwatch: () => void;

  constructor(
    private readonly input: DeliveryInput,
    private readonly messaging: MessagingPort,
    /** Stdin has ended after a result: the CLI will exit after its current turn. */
    private readonly onEnded: () => void,
    private readonly timing: DeliveryTiming = {},
  ) {
    this.unwatch = messaging.onArrival(() => {
      this.wanted = true;
      this.take();
    });
  }

  /** The prompt, as the first line; stdin stays open after it while the CLI answers. */
  start(prompt: string): void {
    this.input.write(promptLine(prompt));
    const silenceMs = this.timing.silenceMs ?? SILENCE_MS;
    this.silenceTimer = setTimeout(() => {
      this.silent = true;
      this.close();
      this.input.end();
      this.timing.onSilent?.(silenceMs);
    }, silenceMs);
    // The CLI's process keeps Orch alive while it runs; this timer alone must not.
    this.silenceTimer.unref();
  }

  /** The CLI wrote something: it took its prompt. */
  heard(): void {
    if (this.silenceTimer === undefined) return;
    clearTimeout(this.silenceTimer);
    this.silenceTimer = undefined;
  }

  toolStarted(toolUseId: string): void {
    this.openTools.add(toolUseId);
    this.take();
  }

  toolFinished(toolUseId: string): void {
    this.openTools.delete(toolUseId);
  }

  /** A user line the CLI echoed: the prompt, or a message it has now put into its context. */
  echoed(text: string): void {
    const i = this.untaken.indexOf(text);
    if (i >= 0) this.untaken.splice(i, 1);
    // Taken into a turn of its own: that turn's result line ends stdin.
    if (this.untaken.length === 0 && this.waitTimer !== undefined) {
      clearTimeout(this.waitTimer);
      this.waitTimer = undefined;
    }
  }

  /** The CLI ended a turn. Stdin ends unless a message it was given is still to be answered. */
  resultSeen(): void {
    if (this.silent) return this.onEnded();
    void (this.taking ?? Promise.resolve()).then(() => {
      if (this.untaken.length === 0) this.end();
      else this.waitTimer ??= setTimeout(() => this.end(), this.timing.takeWaitMs ?? TAKE_WAIT_MS);
    });
  }

  /** The CLI has exited: nothing more is taken for it. */
  close(): void {
    this.ended = true;
    this.unwatch();
    if (this.waitTimer !== undefined) clearTimeout(this.waitTimer);
    this.heard();
  }

  private end(): void {
    if (this.ended) return;
    this.close();
    this.input.end();
    this.onEnded();
  }

  private take(): void {
    if (this.ended || !this.wanted || this.openTools.size === 0 || this.taking !== undefined) return;
    this.wanted = false;
    // Marked delivered before it is written; stdin cannot end in between (resultSeen waits for this).
    this.taking = this.messaging
      .takeLive()
      .then((text) => {
        if (text === '' || this.ended) return;
        this.untaken.push(text);
        this.input.write(promptLine(text));
      })
      .catch(() => undefined)
      .finally(() => {
        this.taking = undefined;
        this.take();
      });
  }
}
