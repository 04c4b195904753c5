// Live delivery: the CLI's PostToolUse hook is an HTTP hook to Orch's tool server (no process
// per tool call), and its answer's `additionalContext` goes into the agent's very next model
// request, in the middle of its turn. Measured on the pinned CLI against a command hook and
// stream-json input: see docs/design.md, "Agents that talk".

import type { MessagingPort } from './message-tools';

export const HOOK_PATH = '/hook';

/** The `--settings` JSON that points the attempt's hook at its session (the secret stays out of argv). */
export function deliveryHookSettings(hookUrl: string, headers: Readonly<Record<string, string>>): string {
  return JSON.stringify({ hooks: { PostToolUse: [{ matcher: '*', hooks: [{ type: 'http', url: hookUrl, headers, timeout: 30 }] }] } });
}

/** The hook's answer: pending messages as added context, or nothing to add. */
export async function hookAnswer(messaging: MessagingPort | undefined, body: string | undefined): Promise<Record<string, unknown>> {
  if (messaging === undefined || body === undefined) return {};
  let event = 'PostToolUse';
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { hook_event_name?: unknown }).hook_event_name === 'string') {
      event = (parsed as { hook_event_name: string }).hook_event_name;
    }
  } catch {
    return {};
  }
  if (event !== 'PostToolUse') return {};
  const text = await messaging.takeLive();
  return text === '' ? {} : { hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: text } };
}
