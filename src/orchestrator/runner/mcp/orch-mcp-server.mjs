#!/usr/bin/env node
// Orch's tools for agents, as a stdio MCP server the claude CLI launches (`node` this file).
// Plain JavaScript (ESM) with no dependencies so it runs from the source tree and from a package alike.
// stdout belongs to the MCP protocol (newline-delimited JSON-RPC 2.0), so reports go to the
// file named by ORCH_MCP_REPORT_FILE, one JSON object per line, which the runner tails.
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const reportFile = process.env.ORCH_MCP_REPORT_FILE;
const SUPPORTED_VERSIONS = ['2025-06-18', '2025-03-26', '2024-11-05'];

const TOOLS = [
  {
    name: 'report_progress',
    description: 'Tell Orch how far along the task is. Call it at milestones of your work.',
    inputSchema: {
      type: 'object',
      properties: {
        percent: { type: 'number', minimum: 0, maximum: 100, description: 'Estimated completion, 0 to 100.' },
        note: { type: 'string', description: 'One line on what was just done or is next.' },
      },
      required: ['percent', 'note'],
      additionalProperties: false,
    },
  },
  {
    name: 'attach_evidence',
    description: 'Attach evidence that the task is done: a file path (test output, screenshot) or a short text.',
    inputSchema: {
      type: 'object',
      properties: {
        kind: { type: 'string', description: 'What the evidence is, e.g. test-output, screenshot, note.' },
        path_or_text: { type: 'string', description: 'A path relative to the working directory, or the evidence text itself.' },
      },
      required: ['kind', 'path_or_text'],
      additionalProperties: false,
    },
  },
];

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function report(entry) {
  if (!reportFile) throw new Error('ORCH_MCP_REPORT_FILE is not set: Orch cannot receive this report');
  appendFileSync(reportFile, `${JSON.stringify({ ...entry, at: new Date().toISOString() })}\n`);
}

function validate(name, args) {
  const a = args && typeof args === 'object' ? args : {};
  if (name === 'report_progress') {
    if (typeof a.percent !== 'number' || !Number.isFinite(a.percent) || a.percent < 0 || a.percent > 100) {
      return { error: `percent must be a number from 0 to 100, got ${JSON.stringify(a.percent)}` };
    }
    if (typeof a.note !== 'string') return { error: `note must be a string, got ${JSON.stringify(a.note)}` };
    return { entry: { tool: name, percent: a.percent, note: a.note }, text: `Progress ${a.percent}% recorded.` };
  }
  if (name === 'attach_evidence') {
    if (typeof a.kind !== 'string' || a.kind.trim() === '') return { error: `kind must be a non-empty string, got ${JSON.stringify(a.kind)}` };
    if (typeof a.path_or_text !== 'string' || a.path_or_text === '') {
      return { error: `path_or_text must be a non-empty string, got ${JSON.stringify(a.path_or_text)}` };
    }
    return { entry: { tool: name, kind: a.kind, value: a.path_or_text }, text: `Evidence (${a.kind}) attached.` };
  }
  return { error: `unknown tool ${JSON.stringify(name)}; this server has ${TOOLS.map((t) => t.name).join(', ')}` };
}

function callTool(params) {
  const checked = validate(params && params.name, params && params.arguments);
  if (checked.error) return { content: [{ type: 'text', text: checked.error }], isError: true };
  report(checked.entry);
  return { content: [{ type: 'text', text: checked.text }] };
}

function handle(message) {
  const { id, method, params } = message;
  const isRequest = id !== undefined && id !== null;
  try {
    let result;
    if (method === 'initialize') {
      const asked = params && params.protocolVersion;
      result = {
        protocolVersion: SUPPORTED_VERSIONS.includes(asked) ? asked : SUPPORTED_VERSIONS[0],
        capabilities: { tools: { listChanged: false } },
        serverInfo: { name: 'orch', version: '0.1.0' },
      };
    } else if (method === 'tools/list') {
      result = { tools: TOOLS };
    } else if (method === 'tools/call') {
      result = callTool(params);
    } else if (method === 'ping') {
      result = {};
    } else if (!isRequest) {
      return; // notifications such as notifications/initialized need no answer
    } else {
      send({ jsonrpc: '2.0', id, error: { code: -32601, message: `method not found: ${method}` } });
      return;
    }
    if (isRequest) send({ jsonrpc: '2.0', id, result });
  } catch (error) {
    if (isRequest) send({ jsonrpc: '2.0', id, error: { code: -32603, message: String(error && error.message ? error.message : error) } });
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === '') return;
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: `parse error: ${line.slice(0, 80)}` } });
    return;
  }
  if (Array.isArray(message)) message.forEach(handle);
  else handle(message);
});
