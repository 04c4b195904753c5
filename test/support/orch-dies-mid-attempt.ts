// A stand-in Orch process for the supervision tests: it starts the attempt in ATTEMPT_JSON and
// then dies when told: SIGUSR2 makes it throw an uncaught error; SIGTERM is left to its default.
import type { AttemptRequest } from '../../src/orchestrator/runner/attempt-request';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';

const request = JSON.parse(process.env.ATTEMPT_JSON ?? '{}') as AttemptRequest;

process.on('SIGUSR2', () => {
  throw new Error('simulated Orch crash');
});
void runAttempt(request, () => undefined);
