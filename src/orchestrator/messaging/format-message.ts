// How messages read in an agent's context: who sent them, when, and how to answer.

import type { MessageSnapshot } from '../../protocol/fold-messages';

function line(m: MessageSnapshot): string {
  const who = m.fromAgent === undefined ? m.from : `${m.from} (${m.fromAgent})`;
  const what = m.kind === 'broadcast' ? `broadcast to ${m.scope ?? 'the run'}` : m.kind;
  return `[${m.id}] ${what} from ${who} at ${m.sentAt}${m.inReplyTo === undefined ? '' : `, in reply to ${m.inReplyTo}`}:\n${m.text}`;
}

export function formatForAgent(messages: readonly MessageSnapshot[], where: 'live' | 'brief' | 'inbox'): string {
  const head =
    where === 'live'
      ? 'Orch delivered new messages for you while you work (answer with mcp__orch__send_message if needed):'
      : where === 'brief'
        ? '## Messages for you\nSent to this task before this attempt started (answer with mcp__orch__send_message if needed):'
        : 'Messages sent to this task, oldest first:';
  return [head, ...messages.map(line)].join('\n\n');
}
