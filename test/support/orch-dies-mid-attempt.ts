// A stand-in Orch process for the supervision tests: it starts an attempt from ATTEMPT_JSON and,
// once the agent is up, dies the way DIE_BY says: an uncaught error, or waits for a signal.
import type { AttemptRequest } from '../../src/orchestrator/runner/attempt-request';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';

const request = JSON.parse(process.env.ATTEMPT_JSON ?? '{}') as AttemptRequest;
const dieBy = process.env.DIE_BY ?? 'uncaught';

void runAttempt(request, (event) => {
  if (event.type !== 'attempt.activity' || event.activity.kind !== 'tool-call') return;
  process.stdout.write('agent-busy\n');
  if (dieBy === 'uncaught') {
    setTimeout(() => {
      throw new Error('simulated Orch crash');
    }, 200);
  }
});
