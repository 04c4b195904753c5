import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { useTempDir } from '../../../../test/support/temp-dir';
import { defaultOrchMcpServerPath } from '../run-claude-once';
import { startSubmissionEndpoint, type SubmissionEndpoint } from './submission-endpoint';

type Json = Record<string, unknown>;

function call(id: number, name: string, args: unknown): Json {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}

function toolNames(reply: Json | undefined): string[] {
  return (reply?.result as { tools: { name: string }[] }).tools.map((t) => t.name);
}

describe("Orch's MCP server (stdio, JSON-RPC by hand)", () => {
  const dir = useTempDir('orch-mcp-');

  async function talk(messages: readonly unknown[], replies: number, submit?: SubmissionEndpoint): Promise<Record<string, unknown>[]> {
    const submitEnv = submit === undefined ? {} : { ORCH_MCP_SUBMIT_URL: submit.url, ORCH_MCP_SUBMIT_SECRET: submit.secret, ORCH_MCP_SUBMIT_TOOLS: submit.tools.join(',') };
    const child = spawn(process.execPath, [defaultOrchMcpServerPath()], {
      env: { ...process.env, ORCH_MCP_REPORT_FILE: join(dir.path, 'r.jsonl'), ...submitEnv },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const out: Record<string, unknown>[] = [];
    const done = new Promise<void>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        out.push(JSON.parse(line) as Record<string, unknown>);
        if (out.length === replies) resolve();
      });
    });
    for (const m of messages) child.stdin.write(typeof m === 'string' ? `${m}\n` : `${JSON.stringify(m)}\n`);
    await done;
    child.kill();
    return out;
  }

  it('initializes, lists its tools and records a progress report', async () => {
    const out = await talk(
      [
        { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 't' } } },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'report_progress', arguments: { percent: 60, note: 'half' } } },
      ],
      3,
    );
    assert.deepEqual(out[0], {
      jsonrpc: '2.0',
      id: 1,
      result: { protocolVersion: '2025-03-26', capabilities: { tools: { listChanged: false } }, serverInfo: { name: 'orch', version: '0.1.0' } },
    });
    const tools = (out[1]?.result as { tools: { name: string }[] }).tools.map((t) => t.name);
    assert.deepEqual(tools, ['report_progress', 'attach_evidence', 'report_no_change']);
    assert.deepEqual(out[2], { jsonrpc: '2.0', id: 3, result: { content: [{ type: 'text', text: 'Progress 60% recorded.' }] } });
    const report = JSON.parse(readFileSync(join(dir.path, 'r.jsonl'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual({ ...report, at: undefined }, { tool: 'report_progress', percent: 60, note: 'half', at: undefined });
  });

  it('answers bad arguments as a tool error, unknown methods and bad JSON as protocol errors', async () => {
    const out = await talk(
      [
        { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'attach_evidence', arguments: { kind: '', path_or_text: 'x' } } },
        { jsonrpc: '2.0', id: 2, method: 'resources/list' },
        'not json',
      ],
      3,
    );
    assert.deepEqual(out[0]?.result, { content: [{ type: 'text', text: 'kind must be a non-empty string, got ""' }], isError: true });
    assert.deepEqual(out[1]?.error, { code: -32601, message: 'method not found: resources/list' });
    assert.equal((out[2]?.error as { code: number }).code, -32700);
  });

  it('records a no-change report with its reason and refuses an empty one', async () => {
    const out = await talk([call(1, 'report_no_change', { reason: '  ' }), call(2, 'report_no_change', { reason: 'the README already says it' })], 2);
    assert.equal((out[0]?.result as { isError?: boolean }).isError, true);
    assert.match(JSON.stringify(out[0]?.result), /reason must be a non-empty string/);
    assert.equal((out[1]?.result as { isError?: boolean }).isError, undefined);
    const report = JSON.parse(readFileSync(join(dir.path, 'r.jsonl'), 'utf8')) as Json;
    assert.equal(report.tool, 'report_no_change');
    assert.equal(report.reason, 'the README already says it');
  });

  it('offers submit_prd only when the runner serves its validation', async () => {
    const [plain] = await talk([{ jsonrpc: '2.0', id: 1, method: 'tools/list' }], 1);
    assert.ok(!toolNames(plain).includes('submit_prd'));
    const [refused] = await talk([call(1, 'submit_prd', { title: 't', tasks: [] })], 1);
    assert.match(JSON.stringify(refused?.result), /submit_prd is not offered in this attempt/);
  });

  it("answers submit_prd with Orch's verdict: the errors to fix, then accepted, with the whole arguments received", async () => {
    const received: unknown[] = [];
    const endpoint = await startSubmissionEndpoint({
      submit_prd: (args) => {
        received.push(args);
        const tasks = (args as { tasks?: unknown[] }).tasks ?? [];
        return tasks.length === 0 ? { accepted: false, text: '- the PRD has no tasks' } : { accepted: true, text: `accepted: ${tasks.length} task(s)` };
      },
    });
    try {
      const body = 'x'.repeat(200_000);
      const good = { title: 'Big', body, tasks: [{ id: 'T1', title: 'a', description: 'b' }] };
      const out = await talk([{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, call(2, 'submit_prd', { title: 'Big', tasks: [] }), call(3, 'submit_prd', good)], 3, endpoint);
      const byId = new Map(out.map((m) => [m.id, m]));
      const schema = (byId.get(1)?.result as { tools: { name: string; inputSchema: { required: string[] } }[] }).tools.find((t) => t.name === 'submit_prd');
      assert.deepEqual(schema?.inputSchema.required, ['title', 'tasks']);
      assert.deepEqual(byId.get(2)?.result, { content: [{ type: 'text', text: '- the PRD has no tasks' }], isError: true });
      assert.deepEqual(byId.get(3)?.result, { content: [{ type: 'text', text: 'accepted: 1 task(s)' }] });
      assert.deepEqual(received[1], good, 'the runner got the submission whole');
    } finally {
      await endpoint.close();
    }
  });

  it('refuses a submission over 1 MB with a clear error, without posting it', async () => {
    let calls = 0;
    const endpoint = await startSubmissionEndpoint({
      submit_prd: () => {
        calls += 1;
        return { accepted: true, text: 'ok' };
      },
    });
    try {
      const [out] = await talk([call(1, 'submit_prd', { title: 'Huge', body: 'y'.repeat(1_100_000), tasks: [] })], 1, endpoint);
      assert.equal((out?.result as { isError?: boolean }).isError, true);
      assert.match(JSON.stringify(out?.result), /over Orch's limit of 1000000/);
      assert.equal(calls, 0);
    } finally {
      await endpoint.close();
    }
  });

  it('the endpoint refuses a caller without the secret', async () => {
    const endpoint = await startSubmissionEndpoint({ submit_prd: () => ({ accepted: true, text: 'ok' }) });
    try {
      const res = await fetch(new URL('submit_prd', endpoint.url), { method: 'POST', body: '{}', headers: { authorization: 'Bearer wrong' } });
      assert.equal(res.status, 403);
    } finally {
      await endpoint.close();
    }
  });
});
