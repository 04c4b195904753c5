import { textReply, toolUseReply, type Reply } from '../../scripted-model/reply';
import { absolutePath, type Scenario } from '../../scripted-model/scenarios';
import type { ScriptedRequest } from '../../scripted-model/scripted-request';
import { demoContent } from './demo-content';

/**
 * The demo's scripted model: reads the task prompt Orch wrote, writes every file the task's
 * checks require through the real Write tool (one per turn), then reports. It sees only what a
 * real model would see, so the demo exercises the same path as a real run.
 */
export const demoScenario: Scenario = (request: ScriptedRequest): Reply => {
  const files = requiredFiles(request.userText);
  const title = /## Task \S+: (.+)/.exec(request.userText)?.[1] ?? 'Task';
  const next = files[turnsSinceLastInstruction(request)];
  if (next !== undefined) {
    return toolUseReply('Write', { file_path: absolutePath(next, request), content: demoContent(next, title) });
  }
  return textReply(`Done: ${title}. Wrote ${files.join(', ') || 'nothing'}.`, { usage: { inputTokens: 1200 + 300 * files.length, outputTokens: 250 } });
};

/** Turns since the latest user text: a rework prompt in a resumed session starts the work over. */
export function turnsSinceLastInstruction(request: ScriptedRequest): number {
  let turns = 0;
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i]!;
    if (message.role === 'user' && message.text.trim() !== '' && message.toolResults.length === 0) return turns;
    if (message.role === 'assistant') turns += 1;
  }
  return turns;
}

function requiredFiles(prompt: string): string[] {
  const files: string[] = [];
  for (const match of prompt.matchAll(/the file `([^`]+)` exists/g)) {
    if (match[1] !== undefined && !files.includes(match[1])) files.push(match[1]);
  }
  return files;
}
