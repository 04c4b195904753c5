import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { useTempDir } from '../../../../test/support/temp-dir';
import { defaultOrchMcpServerPath } from '../run-claude-once';

describe("Orch's MCP server (stdio, JSON-RPC by hand)", () => {
  const dir = useTempDir('orch-mcp-');

  async function talk(messages: readonly unknown[], replies: number): Promise<Record<string, unknown>[]> {
    const child = spawn(process.execPath, [defaultOrchMcpServerPath()], {
      env: { ...process.env, ORCH_MCP_REPORT_FILE: join(dir.path, 'r.jsonl') },
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
    assert.deepEqual(tools, ['report_progress', 'attach_evidence']);
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
});
