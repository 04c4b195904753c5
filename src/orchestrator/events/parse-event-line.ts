import { EVENT_TYPES, type OrchEvent } from '../../protocol/events';

const knownTypes: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * One line of a run's log, checked as far as every reader needs: a known event type and the
 * envelope (safe-integer seq, at and runId strings). Returns the event, or why the line is not
 * one, so the strict reader can fail on it and a follower can report and skip it.
 */
export function parseEventLine(text: string): OrchEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record.type !== 'string' || !knownTypes.has(record.type)) {
    return `unknown event type ${JSON.stringify(record.type)}`;
  }
  if (!Number.isSafeInteger(record.seq) || typeof record.at !== 'string' || typeof record.runId !== 'string') {
    return 'event without seq, at and runId';
  }
  return value as OrchEvent;
}
