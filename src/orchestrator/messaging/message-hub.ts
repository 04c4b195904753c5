// Routes the messages of one run. Every step is an event made durable before anyone is told
// about it: a message is on disk before the sender's tool call returns, and marked delivered
// before the text goes into the recipient's context, so a resume never delivers it twice.

import type { NewEvent, OrchEvent } from '../../protocol/events';
import { PERSON, type DeliveryRoute, type MessageKind } from '../../protocol/events-messages';
import { pendingFor, type MessageSnapshot } from '../../protocol/fold-messages';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import type { MessagingPort, ToolAnswer } from '../runner/mcp/message-tools';
import { isFinished, resolveRecipient, resolveScope, type Member } from './address-book';
import { formatForAgent } from './format-message';

export interface HubPorts {
  /** Appends and resolves once the event is durable; the state reflects it as soon as it is called. */
  readonly append: (event: NewEvent) => Promise<unknown>;
  readonly state: () => RunSnapshot;
  readonly members: () => readonly Member[];
}

export interface Sender {
  readonly taskId: string;
  readonly agent: string;
  readonly attemptId?: string;
}

export interface Outgoing {
  readonly kind?: MessageKind;
  readonly broadcastId?: string;
  readonly scope?: string;
  readonly inReplyTo?: string;
}

export class MessageHub {
  /** Open ask_person calls by question id: resolved with the answer's text. */
  private readonly waiting = new Map<string, (answer: { id: string; text: string }) => void>();
  /** Running attempts' live delivery, by task id: told when a message for the task is sent. */
  private readonly arrivals = new Map<string, Set<() => void>>();

  constructor(private readonly ports: HubPorts) {}

  /** Records the question and waits for its answer, which is the tool's result (so delivered live). */
  async ask(from: Sender & { readonly attemptId: string }, question: string): Promise<ToolAnswer> {
    const open = this.ports.state().tasks[from.taskId]?.needsInput;
    const id = open?.question === question ? open.messageId : await this.record(from, PERSON, question, { kind: 'question' });
    const answer = this.answerTo(id) ?? (await new Promise<{ id: string; text: string }>((resolve) => this.waiting.set(id, resolve)));
    this.waiting.delete(id);
    const m = (this.ports.state().messages ?? []).find((x) => x.id === answer.id);
    if (m?.state === 'pending') await this.ports.append({ type: 'message.delivered', messageId: answer.id, via: 'live', attemptId: from.attemptId });
    return { text: `The person answered (${answer.id}): ${answer.text}` };
  }

  /** The person's answer to the task's open question; an error when it has none. */
  async answer(taskId: string, text: string): Promise<{ readonly id: string } | { readonly error: string }> {
    const task = this.ports.state().tasks[taskId];
    if (task === undefined) return { error: `no task ${taskId} in this run` };
    if (task.needsInput === undefined) return { error: `${taskId} has no open question (it is ${task.state})` };
    const id = await this.record({ taskId: PERSON, agent: PERSON }, taskId, text, { kind: 'answer', inReplyTo: task.needsInput.messageId });
    return { id };
  }

  private answerTo(questionId: string): { id: string; text: string } | undefined {
    const m = (this.ports.state().messages ?? []).find((x) => x.kind === 'answer' && x.inReplyTo === questionId);
    return m === undefined ? undefined : { id: m.id, text: m.text };
  }

  /** Records one message per recipient; an unknown recipient sends nothing. */
  async send(from: Sender, to: string, text: string): Promise<ToolAnswer> {
    const resolved = resolveRecipient(this.ports.members(), from.taskId, to);
    if ('error' in resolved) return { text: resolved.error, isError: true };
    const [recipient] = resolved.to;
    const id = await this.record(from, recipient!, text, {});
    return { text: `Sent ${id} to ${recipient}: ${this.fate(recipient!, id)}` };
  }

  async broadcast(from: Sender, text: string, scope: string): Promise<ToolAnswer> {
    const resolved = resolveScope(this.ports.members(), from.taskId, scope);
    if ('error' in resolved) return { text: resolved.error, isError: true };
    if (resolved.to.length === 0) return { text: `No unfinished task in scope ${scope} besides you: nothing was sent.`, isError: true };
    const broadcastId = `b${(this.ports.state().messages?.length ?? 0) + 1}`;
    const ids = await Promise.all(resolved.to.map((to) => this.record(from, to, text, { kind: 'broadcast', broadcastId, scope })));
    return { text: `Broadcast ${broadcastId} to ${resolved.to.length} task(s) in ${scope}: ${resolved.to.map((t, i) => `${ids[i]!} to ${t}`).join(', ')}.` };
  }

  /** Pending messages for a running attempt, marked delivered (live) before they are handed over. */
  async takeLive(taskId: string, attemptId: string): Promise<string> {
    const pending = pendingFor(this.ports.state(), taskId);
    if (pending.length === 0) return '';
    await this.deliver(pending, 'live', attemptId);
    return formatForAgent(pending, 'live');
  }

  /** The part of a starting attempt's brief that carries its waiting messages. */
  pendingBrief(taskId: string): { readonly text: string; readonly ids: readonly string[] } {
    const pending = pendingFor(this.ports.state(), taskId);
    return { text: pending.length === 0 ? '' : formatForAgent(pending, 'brief'), ids: pending.map((m) => m.id) };
  }

  async deliveredInBrief(ids: readonly string[], attemptId: string): Promise<void> {
    const pending = (this.ports.state().messages ?? []).filter((m) => ids.includes(m.id) && m.state === 'pending');
    await this.deliver(pending, 'brief', attemptId);
  }

  /** Everything sent to the task; each one is marked read. */
  async readInbox(taskId: string, attemptId: string): Promise<ToolAnswer> {
    const mine = (this.ports.state().messages ?? []).filter((m) => m.to === taskId);
    const events: Promise<unknown>[] = [];
    for (const m of mine) {
      if (m.state === 'pending') events.push(this.ports.append({ type: 'message.delivered', messageId: m.id, via: 'inbox', attemptId }));
      if (m.state === 'pending' || m.state === 'delivered') events.push(this.ports.append({ type: 'message.read', messageId: m.id, attemptId }));
    }
    await Promise.all(events);
    if (mine.length === 0) return { text: 'Your inbox is empty.' };
    return { text: formatForAgent(mine, 'inbox') };
  }

  /** Messages nobody will take any more (their task finished) go back, with the reason. */
  async returnUndeliverable(): Promise<void> {
    const state = this.ports.state();
    const events: Promise<unknown>[] = [];
    for (const m of state.messages ?? []) {
      if (m.state !== 'pending' || m.to === PERSON) continue;
      const task = state.tasks[m.to];
      if (task === undefined || isFinished(task.state)) {
        events.push(this.ports.append({ type: 'message.returned', messageId: m.id, reason: `${m.to} ${task === undefined ? 'is not in this run' : `finished (${task.state})`} before it took the message; the person running the run sees it` }));
      }
    }
    await Promise.all(events);
  }

  /** A port bound to one attempt, for its MCP tools. */
  portFor(sender: Sender & { readonly attemptId: string }): MessagingPort {
    return {
      send: (to, text) => this.send(sender, to, text),
      broadcast: (text, scope) => this.broadcast(sender, text, scope),
      readInbox: () => this.readInbox(sender.taskId, sender.attemptId),
      takeLive: () => this.takeLive(sender.taskId, sender.attemptId),
      onArrival: (listener) => this.watch(sender.taskId, listener),
      ask: (question) => this.ask(sender, question),
    };
  }

  private watch(taskId: string, listener: () => void): () => void {
    const set = this.arrivals.get(taskId) ?? new Set();
    this.arrivals.set(taskId, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.arrivals.get(taskId) === set) this.arrivals.delete(taskId);
    };
  }

  /** Reacts to the run's events: a task that finishes returns what still waited for it. */
  observe(event: OrchEvent): void {
    if (event.type === 'message.sent') {
      const listeners = this.arrivals.get(event.to);
      // After the listeners of the log: a listener that takes the message appends its delivery.
      if (listeners !== undefined) setImmediate(() => listeners.forEach((listener) => listener()));
    }
    if (event.type === 'message.sent' && event.kind === 'answer' && event.inReplyTo !== undefined) {
      this.waiting.get(event.inReplyTo)?.({ id: event.messageId, text: event.text });
      return;
    }
    if (event.type !== 'task.verified' && event.type !== 'task.cancelled') return;
    const taskId = event.taskId;
    // Not from inside the log's listener: an append there would reach other listeners first.
    if (pendingFor(this.ports.state(), taskId).length > 0) setImmediate(() => void this.returnUndeliverable().catch(() => undefined));
    if (event.type === 'task.verified') setImmediate(() => void this.handOff(taskId).catch(() => undefined));
  }

  /**
   * A verified task's summary and merged files, as a message to dependents already running (a
   * dependent that starts later finds the same in its brief).
   */
  async handOff(taskId: string): Promise<void> {
    const state = this.ports.state();
    const task = state.tasks[taskId];
    if (task?.state !== 'verified') return;
    const running = Object.values(state.tasks).filter((t) => t.depends.includes(taskId) && (t.state === 'running' || t.state === 'verifying'));
    if (running.length === 0) return;
    const last = task.attempts.map((a) => state.attempts[a]).filter((a) => a?.state === 'succeeded').at(-1);
    const summary = last?.activity.filter((a) => a.kind === 'text').at(-1);
    const files = task.changes?.files ?? [];
    const text = [`${taskId} (${task.title}) is verified and merged.`, files.length === 0 ? 'It changed no file.' : `Files: ${files.join(', ')}.`, summary?.kind === 'text' ? `Its summary: ${summary.text}` : ''].filter((l) => l !== '').join('\n');
    await Promise.all(running.map((t) => this.record({ taskId, agent: task.agent ?? taskId }, t.id, text, { kind: 'handoff' })));
  }

  private async record(from: Sender, to: string, text: string, options: Outgoing): Promise<string> {
    const state = this.ports.state();
    // Taken and appended in one synchronous step: the fold counts it before the next send asks.
    const messageId = `m${(state.messages?.length ?? 0) + 1}`;
    const member = this.ports.members().find((m) => m.taskId === to);
    const sent = this.ports.append({
      type: 'message.sent',
      messageId,
      from: from.taskId,
      ...(from.agent === from.taskId ? {} : { fromAgent: from.agent }),
      ...(from.attemptId === undefined ? {} : { fromAttempt: from.attemptId }),
      to,
      ...(member === undefined ? {} : { toAgent: member.agent }),
      text,
      kind: options.kind ?? 'message',
      ...(options.broadcastId === undefined ? {} : { broadcastId: options.broadcastId }),
      ...(options.scope === undefined ? {} : { scope: options.scope }),
      ...(options.inReplyTo === undefined ? {} : { inReplyTo: options.inReplyTo }),
    });
    const after: Promise<unknown>[] = [sent];
    if (to === PERSON) after.push(this.ports.append({ type: 'message.delivered', messageId, via: 'person' }));
    else if (member === undefined || isFinished(member.state)) {
      after.push(this.ports.append({ type: 'message.returned', messageId, reason: `${to} has finished (${member?.state ?? 'unknown'}): nothing will read it; the person running the run sees it` }));
    }
    await Promise.all(after);
    return messageId;
  }

  private fate(to: string, id: string): string {
    const m = (this.ports.state().messages ?? []).find((x) => x.id === id);
    if (to === PERSON) return 'the person running the run sees it (orch messages, the dashboard).';
    if (m?.state === 'returned') return `returned: ${m.reason ?? ''}`;
    const task = this.ports.state().tasks[to];
    if (task?.state === 'running' || task?.state === 'verifying') return 'it reaches the agent after its current tool call.';
    if (task?.state === 'pending') return 'it will be in its brief when it starts.';
    return `it is ${task?.state ?? 'unknown'}; the message will be in the brief of its next attempt.`;
  }

  private async deliver(messages: readonly MessageSnapshot[], via: DeliveryRoute, attemptId: string): Promise<void> {
    await Promise.all(messages.map((m) => this.ports.append({ type: 'message.delivered', messageId: m.id, via, attemptId })));
  }
}
