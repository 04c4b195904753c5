import { strict as assert } from 'node:assert';
import { stoppedNotice } from '../../src/extension/model/stopped-notice';

describe('the notice for a CLI that stopped by itself', () => {
  it('says nothing where the run explains itself', () => {
    for (const code of [0, 1, 3, 130]) assert.equal(stoppedNotice('run', code, 'x'), undefined);
  });

  it('offers to set the key a preflight refusal names', () => {
    const openai = stoppedNotice('run', 2, 'orch: preflight: OPENAI_API_KEY is not set, and the OpenAI agents of PRD-1/T1 need it: set it in the environment (in VS Code: Orch: Set API Key)');
    assert.deepEqual([openai?.actions, openai?.provider], [['Set API Key', 'Show Log'], 'OpenAI']);
    assert.match(openai?.message ?? '', /^Orch: orch run stopped \(exit code 2\): orch: preflight: OPENAI_API_KEY is not set/);
    assert.equal(stoppedNotice('resume', 2, 'orch: preflight: no Claude credentials for PRD-1/T2: set ANTHROPIC_API_KEY')?.provider, 'Anthropic');
  });

  it('offers the log for anything else', () => {
    assert.deepEqual(stoppedNotice('run', 2, 'orch: preflight: not a git repository')?.actions, ['Show Log']);
    assert.deepEqual(stoppedNotice('run', null, undefined), { level: 'error', message: 'Orch: orch run stopped (could not start): the log says why', actions: ['Show Log'] });
  });
});
