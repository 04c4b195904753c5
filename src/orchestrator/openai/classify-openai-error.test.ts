import { strict as assert } from 'node:assert';
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { classifyOpenaiError } from './classify-openai-error';

function apiError(status: number, message: string, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { error: { message } }, message, new Headers(headers));
}

describe('classifyOpenaiError', () => {
  it('maps statuses to the runner\'s failure classes, keeping a retry-after', () => {
    const limited = classifyOpenaiError(apiError(429, 'Rate limit reached', { 'retry-after': '7' }), undefined, 60);
    assert.deepEqual([limited.failure, limited.retryAfterSec], ['rate-limited', 7]);
    assert.equal(classifyOpenaiError(apiError(429, 'You exceeded your current quota'), undefined, 60).failure, 'spend-limit');
    assert.equal(classifyOpenaiError(apiError(401, 'Incorrect API key'), undefined, 60).failure, 'auth');
    assert.equal(classifyOpenaiError(apiError(503, 'overloaded'), undefined, 60).failure, 'overloaded');
    const missing = classifyOpenaiError(apiError(404, 'The model gpt-9 does not exist'), undefined, 60);
    assert.equal(missing.failure, 'model-error');
    assert.match(missing.message, /model not found or unavailable/);
  });

  it('tells a cancellation from a timeout, and names an unreachable API', () => {
    assert.equal(classifyOpenaiError(new APIUserAbortError(), 'cancelled', 60).failure, 'cancelled');
    assert.match(classifyOpenaiError(new APIUserAbortError(), 'timeout', 60).message, /60 s attempt timeout/);
    assert.match(classifyOpenaiError(new APIConnectionError({ message: 'Connection error.' }), undefined, 60).message, /could not be reached/);
  });
});
