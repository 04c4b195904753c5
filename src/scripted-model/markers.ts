// Markers let a prompt script its own answers, so a roadmap's task description can say what the
// scripted model does for that task: `[[scripted:write-file path=src/a.js content="hi\n"]]`.
// Markers run in prompt order, one model turn each (write-file takes two: the Write call and the
// closing text); a conversation that ends on a tool call gets a closing text turn.

import { textReply, type Usage } from './reply';
import {
  asScenario,
  authFailed,
  costing,
  answeringAs,
  creditExhausted,
  cutOff,
  finish,
  garbage,
  hang,
  overloaded,
  rateLimited,
  slow,
  useTool,
  writeTool,
  type Scenario,
  type Step,
} from './scenarios';

const MARKER = /\[\[scripted:([a-z-]+)((?:\s+[\w-]+=(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s\]]+))*)\s*\]\]/g;
const ARG = /([\w-]+)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s\]]+)/g;

export interface Marker {
  readonly action: string;
  readonly args: Readonly<Record<string, string>>;
  readonly text: string;
}

function unquote(raw: string): string {
  if (raw.startsWith("'")) return raw.slice(1, -1);
  if (!raw.startsWith('"')) return raw;
  return raw.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

export function parseMarkers(text: string): Marker[] {
  const found: Marker[] = [];
  for (const m of text.matchAll(MARKER)) {
    const args: Record<string, string> = {};
    for (const a of (m[2] ?? '').matchAll(ARG)) args[a[1] as string] = unquote(a[2] as string);
    found.push({ action: m[1] as string, args, text: m[0] });
  }
  return found;
}

function need(marker: Marker, key: string): string {
  const value = marker.args[key];
  if (value === undefined) throw new Error(`scripted marker ${marker.text} needs ${key}=...`);
  return value;
}

function number(marker: Marker, key: string): number | undefined {
  const raw = marker.args[key];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`scripted marker ${marker.text}: ${key}=${raw} is not a non-negative number`);
  return n;
}

function toolInput(marker: Marker): Readonly<Record<string, unknown>> {
  const raw = marker.args.input ?? '{}';
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below, which quotes the marker
  }
  throw new Error(`scripted marker ${marker.text}: input=${raw} is not a JSON object`);
}

function baseSteps(marker: Marker): Step[] {
  switch (marker.action) {
    case 'write-file': {
      const path = need(marker, 'path');
      const content = marker.args.content ?? `written by the scripted model for ${path}\n`;
      return [writeTool(path, content), finish(marker.args.text ?? `Wrote ${path}.`)];
    }
    case 'tool':
      return [useTool(need(marker, 'name'), toolInput(marker))];
    case 'claim-success':
    case 'finish':
      return [textReply(marker.args.text ?? 'I have implemented the task and all tests pass.')];
    case 'overloaded':
      return [overloaded()];
    case 'rate-limited':
      return [rateLimited(number(marker, 'retry-after') ?? 1)];
    case 'auth-error':
      return [authFailed()];
    case 'credit-exhausted':
      return [creditExhausted()];
    case 'hang':
      return [hang()];
    case 'garbage':
      return [garbage()];
    case 'cut-off':
      return [cutOff()];
    default:
      throw new Error(`unknown scripted action "${marker.action}" in ${marker.text}`);
  }
}

function withModifiers(marker: Marker, step: Step): Step {
  let s = step;
  const input = number(marker, 'in');
  const output = number(marker, 'out');
  if (input !== undefined || output !== undefined) {
    const usage: Usage = { inputTokens: input ?? 100, outputTokens: output ?? 20 };
    s = costing(usage, s);
  }
  if (marker.args.model !== undefined) s = answeringAs(marker.args.model, s);
  const delay = number(marker, 'delay-ms');
  if (delay !== undefined) s = slow(delay, s);
  return s;
}

function stepsFromMarkers(markers: readonly Marker[]): Scenario[] {
  const list = markers.flatMap((m) => baseSteps(m).map((s) => asScenario(withModifiers(m, s))));
  const lastMarker = markers[markers.length - 1];
  if (lastMarker?.action === 'tool') list.push(asScenario(withModifiers(lastMarker, finish())));
  return list;
}

/**
 * Plays the latest prompt's markers turn by turn; a follow-up prompt without markers (a rework)
 * replays the conversation's earlier ones; no markers at all get `otherwise`.
 */
export function markerScenario(otherwise: Step = finish()): Scenario {
  const fallback = asScenario(otherwise);
  return (request, context) => {
    const own = parseMarkers(request.promptText);
    const list = stepsFromMarkers(own.length > 0 ? own : parseMarkers(request.userText));
    if (list.length === 0) return fallback(request, context);
    const step = list[Math.min(request.turnSincePrompt, list.length - 1)] as Scenario;
    return step(request, context);
  };
}
