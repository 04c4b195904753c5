import assert from 'node:assert/strict';
import type { AttemptRequest } from './attempt-request';
import { claudeArgs, claudeEnv, orchMcpConfig } from './claude-args';

const req: AttemptRequest = {
  attemptId: 'P/T1#1',
  taskId: 'P/T1',
  systemPrompt: 'sys',
  prompt: 'a prompt that must not be on the command line',
  model: 'sonnet',
  allowedTools: ['Write', 'Bash(git *)'],
  disallowedTools: ['WebFetch'],
  permissionMode: 'acceptEdits',
  cwd: '/w',
  env: { PATH: '/bin', CLAUDE_CODE_MAX_RETRIES: '10', UNSET: undefined },
  claudePath: 'claude',
  artifactsDir: '/a',
  maxTurns: 5,
  timeoutSec: 60,
  inactivityTimeoutSec: 30,
};

describe('claude arguments and environment', () => {
  it('builds a stream-json print run with Orch tools allowed and the prompt kept off argv', () => {
    const args = claudeArgs(req, { model: 'claude-opus-4-8', sessionId: 'S', maxBudgetUsd: 0.25 }, { systemPromptFile: '/a/sys.md', mcpConfig: '{}' });
    assert.deepEqual(args, [
      '-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--include-partial-messages',
      '--model', 'claude-opus-4-8', '--permission-mode', 'acceptEdits',
      '--append-system-prompt-file', '/a/sys.md',
      '--allowedTools', 'Write', 'Bash(git *)', 'mcp__orch__report_progress', 'mcp__orch__attach_evidence', 'mcp__orch__report_no_change',
      '--disallowedTools', 'WebFetch',
      '--mcp-config', '{}',
      '--max-budget-usd', '0.25',
      '--max-turns', '5',
      '--session-id', 'S',
    ]);
    assert.ok(!args.some((a) => a.includes('must not be on the command line')));
  });

  it('allows a submission tool only to the attempt that has its handler', () => {
    const withSubmit = claudeArgs({ ...req, submissions: { submit_prd: () => ({ accepted: true, text: 'ok' }) } }, { model: 'sonnet' }, { mcpConfig: '/a/mcp.json' });
    assert.ok(withSubmit.includes('mcp__orch__submit_prd'));
    assert.ok(!claudeArgs(req, { model: 'sonnet' }, { mcpConfig: '/a/mcp.json' }).includes('mcp__orch__submit_prd'));
  });

  it('resumes instead of naming a new session', () => {
    const args = claudeArgs(req, { model: 'sonnet', resumeSessionId: 'OLD', sessionId: 'NEW' }, {});
    assert.equal(args[args.indexOf('--resume') + 1], 'OLD');
    assert.ok(!args.includes('--session-id'));
    assert.ok(!args.includes('mcp__orch__report_progress'), 'no Orch tools without their server');
  });

  it('holds the CLI retries at one, drops unset variables and adds the marker', () => {
    const env = claudeEnv(req, 'ORCH_ATTEMPT_MARKER=abc');
    assert.deepEqual(env, { PATH: '/bin', CLAUDE_CODE_MAX_RETRIES: '1', MCP_TOOL_TIMEOUT: '60000', ORCH_ATTEMPT_MARKER: 'abc' });
  });

  it("lets an MCP tool call (an ask_person waiting for the person) last the attempt's timeout, not the CLI's 60 s, unless the user set one", () => {
    assert.equal(claudeEnv({ ...req, timeoutSec: 3600 }, 'M=1').MCP_TOOL_TIMEOUT, '3600000');
    assert.equal(claudeEnv({ ...req, env: { MCP_TOOL_TIMEOUT: '5000' } }, 'M=1').MCP_TOOL_TIMEOUT, '5000');
  });

  it("points the CLI at Orch's HTTP tools with the attempt's secret in a header", () => {
    const config = JSON.parse(orchMcpConfig({ url: 'http://127.0.0.1:9/mcp', headers: { Authorization: 'Bearer S' } })) as { mcpServers: Record<string, unknown> };
    assert.deepEqual(config.mcpServers, { orch: { type: 'http', url: 'http://127.0.0.1:9/mcp', headers: { Authorization: 'Bearer S' } } });
  });
});
