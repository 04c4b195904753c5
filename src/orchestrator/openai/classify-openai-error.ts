// An OpenAI SDK error as one of the runner's failure classes, with a message a user can act on.

import { APIError, APIConnectionError, APIUserAbortError } from 'openai';
import type { FailureClass } from '../../protocol/events';

export interface OpenaiFailure {
  readonly failure: FailureClass;
  readonly message: string;
  readonly retryAfterSec?: number;
}

function retryAfter(headers: Headers | undefined): number | undefined {
  const value = Number(headers?.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export function classifyOpenaiError(error: unknown, aborted: 'cancelled' | 'timeout' | undefined, timeoutSec: number): OpenaiFailure {
  if (aborted === 'cancelled' || (error instanceof APIUserAbortError && aborted === undefined)) return { failure: 'cancelled', message: 'cancelled while the OpenAI model answered' };
  if (aborted === 'timeout') return { failure: 'timeout', message: `no complete answer within the ${timeoutSec} s attempt timeout` };
  if (error instanceof APIConnectionError) return { failure: 'model-error', message: `the OpenAI API could not be reached: ${error.message}` };
  if (error instanceof APIError) {
    const said = `${error.status ?? '?'} ${error.message}`;
    if (error.status === 429 && /quota|billing/i.test(error.message)) return { failure: 'spend-limit', message: `the OpenAI account's quota is exhausted: ${said}` };
    if (error.status === 429) {
      const after = retryAfter(error.headers as Headers | undefined);
      return { failure: 'rate-limited', message: `rate limited by the OpenAI API: ${said}`, ...(after === undefined ? {} : { retryAfterSec: after }) };
    }
    if (error.status === 401 || error.status === 403) return { failure: 'auth', message: `the OpenAI API refused the credentials (check OPENAI_API_KEY): ${said}` };
    if (error.status === 503 || error.status === 529 || error.status === 500) return { failure: 'overloaded', message: `the OpenAI API is overloaded: ${said}` };
    if (error.status === 404) return { failure: 'model-error', message: `model not found or unavailable on the OpenAI API: ${said}` };
    return { failure: 'model-error', message: `the OpenAI API failed: ${said}` };
  }
  return { failure: 'unknown', message: `the OpenAI call failed: ${error instanceof Error ? error.message : String(error)}` };
}
