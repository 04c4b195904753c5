// Follows one CLI run's stream: turns each line into activity events as it arrives and keeps
// the facts the outcome is computed from (session, models, usage, result, API errors).

import type { Activity, NewEvent } from '../../protocol/events';
import { clip, clipInput, cut, keepPersisted, type ArtifactFiles } from './artifact-files';
import { modelMatches } from './model-check';
import { StreamSpend, type SpendMoment } from './stream-spend';
import {
  parseLine,
  readApiRetry,
  readAssistant,
  readEcho,
  readInit,
  readResult,
  readStreamUsage,
  readToolResults,
  type ApiRetryLine,
  type ResultLine,
} from './stream-messages';

export interface TrackerOptions {
  readonly attemptId: string;
  readonly requestedModel: string;
  readonly maxEventChars: number;
  readonly files: ArtifactFiles;
  readonly emit: (event: NewEvent) => void;
  /** Called for a 429/529 the CLI is about to retry by itself. */
  readonly onRetrySignal: (line: ApiRetryLine) => void;
  readonly onResult: () => void;
  /** Runs before tool results are recorded: lets Orch's own tool reports come first. */
  readonly beforeToolResults?: () => void;
  /** The stream told more about what this run spends. */
  readonly onSpend?: (moment: SpendMoment) => void;
  /** A tool call began (the CLI runs it now) and ended: live delivery writes only in between. */
  readonly onToolCall?: (toolUseId: string) => void;
  readonly onToolResult?: (toolUseId: string) => void;
  /** The CLI echoed a user line from its stdin (`--replay-user-messages`): it has taken it. */
  readonly onEcho?: (text: string) => void;
}

export class StreamTracker {
  sessionId: string | undefined;
  initModel: string | undefined;
  /** The last real model that answered (from assistant messages). */
  answeredModel: string | undefined;
  result: ResultLine | undefined;
  apiError: string | undefined;
  retrySignal: ApiRetryLine | undefined;
  /** A real model turn happened: resuming this session keeps some work. */
  progressed = false;
  streamInputTokens = 0;
  streamOutputTokens = 0;
  assistantInputTokens = 0;
  assistantOutputTokens = 0;
  readonly spend = new StreamSpend();
  /** This try's CLI was started ahead of its dispatch: its init says so. */
  startedWarm = false;
  private initSeen = false;
  private readonly mismatches = new Set<string>();
  private readonly billedMessages = new Set<string>();

  constructor(private readonly o: TrackerOptions) {}

  activity(activity: Activity): void {
    this.o.emit({ type: 'attempt.activity', attemptId: this.o.attemptId, activity });
  }

  warn(message: string): void {
    this.activity({ kind: 'warning', message });
  }

  line(raw: string): void {
    if (raw.trim() === '') return;
    const parsed = parseLine(raw);
    if (!parsed.ok) {
      this.warn(`unreadable line from the claude CLI: ${parsed.reason}`);
      return;
    }
    const m = parsed.message;
    const moment = this.spend.observe(m);
    if (moment !== undefined) this.o.onSpend?.(moment);
    const usage = readStreamUsage(m);
    if (usage !== undefined) {
      this.streamInputTokens += usage.inputTokens;
      this.streamOutputTokens += usage.outputTokens;
      return;
    }
    const init = readInit(m);
    if (init !== undefined) {
      // A message taken after the agent's last answer gets a turn of its own, which announces itself again.
      if (this.initSeen) return;
      this.initSeen = true;
      this.sessionId = init.sessionId;
      this.initModel = init.model;
      this.activity({ kind: 'init', sessionId: init.sessionId, model: init.model, tools: init.tools, ...(this.startedWarm ? { warm: true as const } : {}) });
      this.checkModel(init.model);
      return;
    }
    const assistant = readAssistant(m);
    if (assistant !== undefined) {
      if (assistant.synthetic) {
        if (assistant.error !== undefined) this.apiError = assistant.error;
        return; // an API error in message form: the result line reports it
      }
      this.progressed = true;
      this.answeredModel = assistant.model;
      // Each line of a message (thinking, text, each tool call) repeats that message's usage.
      const billed = assistant.messageId !== undefined && this.billedMessages.has(assistant.messageId);
      if (!billed) {
        if (assistant.messageId !== undefined) this.billedMessages.add(assistant.messageId);
        this.assistantInputTokens += assistant.inputTokens;
        this.assistantOutputTokens += assistant.outputTokens;
      }
      this.checkModel(assistant.model);
      for (const block of assistant.blocks) {
        if (block.type === 'text') {
          if (block.text.trim() !== '') this.activity({ kind: 'text', ...clip(block.text, this.o.maxEventChars, this.o.files, 'text') });
        } else if (block.type === 'thinking') {
          if (block.redacted) this.activity({ kind: 'thinking', text: '', redacted: true });
          else if (block.text.trim() !== '') this.activity({ kind: 'thinking', ...clip(block.text, this.o.maxEventChars, this.o.files, 'thinking') });
        } else {
          const { input, truncated } = clipInput(block.input, this.o.maxEventChars, this.o.files, `${block.name}-input`);
          this.activity({ kind: 'tool-call', toolUseId: block.id, name: block.name, input, ...(truncated === undefined ? {} : { truncated }) });
          this.o.onToolCall?.(block.id);
        }
      }
      return;
    }
    const echoed = readEcho(m);
    if (echoed !== undefined) {
      this.o.onEcho?.(echoed);
      return;
    }
    if (m.type === 'user') {
      this.o.beforeToolResults?.();
      for (const r of readToolResults(m)) {
        this.o.onToolResult?.(r.toolUseId);
        const whole = r.persistedOutputPath === undefined ? undefined : keepPersisted(r.persistedOutputPath, this.o.files);
        if (whole !== undefined && !whole.ok) this.warn(whole.problem);
        // The CLI's preview goes in the event; the whole output, when the CLI kept it, is the artifact.
        const shown = whole?.ok === true ? { text: cut(r.text, this.o.maxEventChars, whole.file), truncated: whole.file } : clip(r.text, this.o.maxEventChars, this.o.files, 'tool-result');
        this.activity({ kind: 'tool-result', toolUseId: r.toolUseId, isError: r.isError, ...shown });
      }
      return;
    }
    const retry = readApiRetry(m);
    if (retry !== undefined) {
      this.activity({
        kind: 'retry',
        attempt: retry.attempt,
        maxRetries: retry.maxRetries,
        delayMs: retry.delayMs,
        ...(retry.errorStatus === undefined ? {} : { errorStatus: retry.errorStatus }),
      });
      if ((retry.errorStatus === 429 || retry.errorStatus === 529) && this.retrySignal === undefined) {
        this.retrySignal = retry;
        this.o.onRetrySignal(retry);
      }
      return;
    }
    const result = readResult(m);
    if (result !== undefined) {
      // A turn of its own for a late message ends with a second result: its cost is the session's
      // so far (measured), its usage that turn's alone.
      const before = this.result;
      this.result =
        before === undefined
          ? result
          : { ...result, inputTokens: before.inputTokens + result.inputTokens, outputTokens: before.outputTokens + result.outputTokens, models: [...new Set([...before.models, ...result.models])] };
      if (result.sessionId !== undefined) this.sessionId ??= result.sessionId;
      this.o.onResult();
    }
    // Other lines (status, hooks, compaction notices...) carry nothing an attempt records.
  }

  /** Tokens when there is no result line: partial-message usage, else what assistant lines say. */
  estimatedTokens(): { readonly inputTokens: number; readonly outputTokens: number } {
    const streamed = this.spend.totals();
    return {
      inputTokens: Math.max(this.streamInputTokens, this.assistantInputTokens, streamed.inputTokens),
      outputTokens: Math.max(this.streamOutputTokens, this.assistantOutputTokens, streamed.outputTokens),
    };
  }

  /** The model that did the work: the answering model, else what the CLI billed or announced. */
  modelUsed(): string | undefined {
    return this.answeredModel ?? this.result?.models[0] ?? (this.initModel === '' ? undefined : this.initModel);
  }

  private checkModel(used: string): void {
    if (modelMatches(this.o.requestedModel, used) || this.mismatches.has(used)) return;
    this.mismatches.add(used);
    this.o.emit({ type: 'model.mismatched', attemptId: this.o.attemptId, requested: this.o.requestedModel, used });
  }
}
