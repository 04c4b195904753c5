// Scenarios decide what the scripted model answers. A scenario is a plain function of the parsed
// request and a little context; the builders below cover what tests and the demo need and
// compose: route by model or prompt, step through a conversation's turns, fail N times first.

import { isAbsolute, join } from 'node:path';
import { textReply, toolUseReply, type MessageReply, type Reply, type Usage } from './reply';
import type { ScriptedRequest } from './scripted-request';

export interface ScenarioContext {
  /** Stable key of the conversation (the CLI's session id when it sends one). */
  readonly conversation: string;
  /** 0 for the first conversation the server saw, 1 for the next new one, ... */
  readonly conversationIndex: number;
  /** How many earlier calls had this conversation and turn: the client retrying. */
  readonly repeat: number;
  /** Scenario calls before this one, across all conversations. */
  readonly requestIndex: number;
}

export type Scenario = (request: ScriptedRequest, context: ScenarioContext) => Reply | Promise<Reply>;

/** Wherever a scenario is expected, a fixed reply will do. */
export type Step = Scenario | Reply;

export function asScenario(step: Step): Scenario {
  return typeof step === 'function' ? step : () => step;
}

export function finish(text = 'Done.'): Scenario {
  return () => textReply(text);
}

/** Says the work is done without touching anything: what verification must catch. */
export function claimSuccess(text = 'I have implemented the task and all tests pass.'): Scenario {
  return finish(text);
}

/** Resolves a relative path against the working directory the CLI announces. */
export function absolutePath(path: string, request: ScriptedRequest): string {
  return isAbsolute(path) || request.cwd === undefined ? path : join(request.cwd, path);
}

export function useTool(name: string, input: Readonly<Record<string, unknown>> | ((r: ScriptedRequest) => Readonly<Record<string, unknown>>)): Scenario {
  return (request) => toolUseReply(name, typeof input === 'function' ? input(request) : input);
}

export function writeTool(path: string, content: string): Scenario {
  return useTool('Write', (r) => ({ file_path: absolutePath(path, r), content }));
}

/**
 * One step per model turn of the answer to the latest prompt (so a resumed session with a
 * follow-up prompt starts again at the first step); after the last step, `after`.
 */
export function steps(list: readonly Step[], after: Step = finish()): Scenario {
  const scenarios = list.map(asScenario);
  const last = asScenario(after);
  return (request, context) => (scenarios[request.turnSincePrompt] ?? last)(request, context);
}

/** The agent writes `path` through the Write tool, then ends its turn with `finalText`. */
export function writeFile(path: string, content: string, finalText = `Wrote ${path}.`): Scenario {
  return steps([writeTool(path, content)], finish(finalText));
}

export function overloaded(): Scenario {
  return () => ({ kind: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' });
}

export function rateLimited(retryAfterSec: number): Scenario {
  return () => ({
    kind: 'error',
    status: 429,
    errorType: 'rate_limit_error',
    message: 'Number of request tokens has exceeded your per-minute rate limit',
    retryAfterSec,
  });
}

export function authFailed(): Scenario {
  return () => ({ kind: 'error', status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' });
}

export function creditExhausted(): Scenario {
  return () => ({
    kind: 'error',
    status: 400,
    errorType: 'invalid_request_error',
    message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
  });
}

export function hang(): Scenario {
  return () => ({ kind: 'hang' });
}

export function garbage(bytes?: string): Scenario {
  return () => (bytes === undefined ? { kind: 'garbage' } : { kind: 'garbage', bytes });
}

export function cutOff(afterEvents = 3): Scenario {
  return () => ({ kind: 'cut-off', afterEvents });
}

function mapMessage(scenario: Step, f: (reply: MessageReply) => MessageReply): Scenario {
  const inner = asScenario(scenario);
  return async (request, context) => {
    const reply = await inner(request, context);
    return reply.kind === 'message' ? f(reply) : reply;
  };
}

/** Every message answer reports this usage: what the CLI turns into cost. */
export function costing(usage: Usage, scenario: Step): Scenario {
  return mapMessage(scenario, (r) => ({ ...r, usage }));
}

/** Answers in the name of another model than the one asked for. */
export function answeringAs(model: string, scenario: Step): Scenario {
  return mapMessage(scenario, (r) => ({ ...r, model }));
}

/** The answer streams one event every `paceMs`: its usage is known long before its end. */
export function paced(paceMs: number, scenario: Step): Scenario {
  return mapMessage(scenario, (r) => ({ ...r, paceMs }));
}

export function slow(delayMs: number, scenario: Step): Scenario {
  return mapMessage(scenario, (r) => ({ ...r, delayMs }));
}

/** The first `n` calls get `first`, later ones `then`; counted across conversations. */
export function times(n: number, first: Step, then: Step): Scenario {
  const a = asScenario(first);
  const b = asScenario(then);
  let calls = 0;
  return (request, context) => {
    calls += 1;
    return (calls <= n ? a : b)(request, context);
  };
}

/** The i-th new conversation plays `list[i]`; later ones replay the last entry. */
export function perConversation(list: readonly Step[]): Scenario {
  if (list.length === 0) throw new Error('perConversation needs at least one scenario, got an empty list');
  const scenarios = list.map(asScenario);
  const seen = new Map<string, Scenario>();
  return (request, context) => {
    let chosen = seen.get(context.conversation);
    if (chosen === undefined) {
      const next = scenarios[Math.min(seen.size, scenarios.length - 1)] as Scenario;
      seen.set(context.conversation, next);
      chosen = next;
    }
    return chosen(request, context);
  };
}

export type RequestPredicate = (request: ScriptedRequest) => boolean;

export interface Rule {
  readonly when: RequestPredicate;
  readonly then: Step;
}

/** The first rule whose predicate holds answers; else `otherwise`. */
export function route(rules: readonly Rule[], otherwise: Step): Scenario {
  const compiled = rules.map((r) => ({ when: r.when, then: asScenario(r.then) }));
  const fallback = asScenario(otherwise);
  return (request, context) => (compiled.find((r) => r.when(request))?.then ?? fallback)(request, context);
}

/** `claude-opus-4-8[1m]` -> `opus`; unknown names stay as they are. */
export function modelFamily(model: string): string {
  const lower = model.toLowerCase();
  return ['opus', 'sonnet', 'haiku'].find((f) => lower.includes(f)) ?? lower;
}

export function modelIs(familyOrId: string): RequestPredicate {
  return (r) => r.model === familyOrId || modelFamily(r.model) === modelFamily(familyOrId);
}

export function promptIncludes(pattern: string | RegExp): RequestPredicate {
  return (r) => (typeof pattern === 'string' ? r.userText.includes(pattern) : pattern.test(r.userText));
}
