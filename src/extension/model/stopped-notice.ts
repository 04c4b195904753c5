import { EXIT } from '../../protocol/exit-codes';
import type { KeyProvider, Notice } from './run-notices';

/** The CLI's exit codes a run's own notices already explain (verified, failed task, budget, cancel). */
const EXPLAINED_BY_THE_RUN: readonly number[] = [EXIT.ok, EXIT.taskFailed, EXIT.budget, EXIT.cancelled];

/**
 * What to say when `orch run|resume` stopped by itself, before or outside the run: a preflight
 * refusal for a missing key offers to set that key, anything else the log. Undefined when the
 * run's own notices have it covered.
 */
export function stoppedNotice(command: string, code: number | null, lastErrorLine: string | undefined): Notice | undefined {
  if (code !== null && EXPLAINED_BY_THE_RUN.includes(code)) return undefined;
  const why = lastErrorLine ?? 'the log says why';
  const message = `Orch: orch ${command} stopped (${code === null ? 'could not start' : `exit code ${code}`}): ${why}`;
  const provider = code === EXIT.usage ? missingKey(why) : undefined;
  return provider === undefined ? { level: 'error', message, actions: ['Show Log'] } : { level: 'error', message, actions: ['Set API Key', 'Show Log'], provider };
}

function missingKey(text: string): KeyProvider | undefined {
  if (/OPENAI_API_KEY is not set/.test(text)) return 'OpenAI';
  if (/no Claude credentials/.test(text)) return 'Anthropic';
  return undefined;
}
