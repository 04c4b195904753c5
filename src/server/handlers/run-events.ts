import { sendError, sendOk } from '../reply';
import type { RouteHandler } from '../server-context';

const MAX_LIMIT = 5000;

/** `?after=SEQ&limit=N`: the events after SEQ, at most N (page on with the last one's seq). */
export const runEventsHandler: RouteHandler = async ({ res, params, url }, context) => {
  const runId = params.runId ?? '';
  const after = nonNegativeInt(url.searchParams.get('after'), 0);
  const limit = nonNegativeInt(url.searchParams.get('limit'), MAX_LIMIT);
  if (after === undefined) return sendError(res, 400, `after must be a whole number >= 0, got ${JSON.stringify(url.searchParams.get('after'))}`);
  if (limit === undefined || limit === 0) return sendError(res, 400, `limit must be a whole number >= 1, got ${JSON.stringify(url.searchParams.get('limit'))}`);
  const tail = await context.tails.get(runId);
  if (tail === undefined) return sendError(res, 404, `no run ${JSON.stringify(runId)} in this workspace`);
  sendOk(res, { lastSeq: tail.lastSeq, events: tail.eventsAfter(after, Math.min(limit, MAX_LIMIT)) });
};

function nonNegativeInt(text: string | null, fallback: number): number | undefined {
  if (text === null) return fallback;
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}
