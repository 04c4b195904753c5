#!/usr/bin/env node
// Orch's tools for agents, as a stdio MCP server the claude CLI launches (`node` this file).
// Plain JavaScript (ESM) with no dependencies so it runs from the source tree and from a package alike.
// stdout belongs to the MCP protocol (newline-delimited JSON-RPC 2.0), so reports go to the
// file named by ORCH_MCP_REPORT_FILE, one JSON object per line, which the runner tails.
// Submissions (submit_prd, submit_roadmap) need Orch's own validation before the tool answers, so
// the model can fix its errors in the same turn: this server posts them to the endpoint the
// runner serves for the attempt (ORCH_MCP_SUBMIT_URL, with ORCH_MCP_SUBMIT_SECRET), and offers
// only the submission tools named in ORCH_MCP_SUBMIT_TOOLS.
import { Buffer } from 'node:buffer';
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const reportFile = process.env.ORCH_MCP_REPORT_FILE;
const submitUrl = process.env.ORCH_MCP_SUBMIT_URL;
const submitSecret = process.env.ORCH_MCP_SUBMIT_SECRET ?? '';
const submitTools = new Set((process.env.ORCH_MCP_SUBMIT_TOOLS ?? '').split(',').filter((t) => t !== ''));
const SUPPORTED_VERSIONS = ['2025-06-18', '2025-03-26', '2024-11-05'];
/** The runner refuses larger bodies too; saying so here gives the model a clear answer. */
const MAX_SUBMISSION_BYTES = 1_000_000;

const VERIFY_ITEM = {
  type: 'object',
  description:
    'One check Orch runs itself in the task\'s worktree: {"file": "path"} (exists, not empty), {"command": "npm test", "timeout": 120} (exits 0), or {"browser": {"url": "http://127.0.0.1:5173/", "expect": "text on the page", "serve": "npm run dev", "screenshot": true}}.',
  properties: {
    file: { type: 'string' },
    command: { type: 'string' },
    timeout: { type: 'number' },
    browser: { type: 'object' },
  },
};

const TASK_ITEM = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'T1, T2, ... unique in this PRD.' },
    title: { type: 'string', description: 'Imperative, under 80 characters.' },
    description: { type: 'string', description: "The agent's whole brief: what to build, where (paths), constraints, done-when. Other agents never see it." },
    agent: { type: 'string', description: 'An agent name Orch listed; else Orch picks one for the phase.' },
    phase: { type: 'string', description: 'A workflow phase Orch listed; else the agent\'s first phase.' },
    depends: { type: 'array', items: { type: 'string' }, description: 'Ids of tasks in this PRD that must be verified first.' },
    model: { type: 'string', description: 'Only to pin a model on purpose.' },
    output: { type: 'string', description: 'Only for text-only agents: where their answer is written.' },
    budgetUsd: { type: 'number', description: "This task's own cost cap in USD." },
    verify: { type: 'array', items: VERIFY_ITEM, description: 'Evidence Orch checks itself; prefer commands that run real tests.' },
  },
  required: ['id', 'title', 'description'],
};

const SUBMIT_PRD = {
  name: 'submit_prd',
  description:
    "Hand in the milestone's PRD. Orch validates it at once (schema, agents, phases, dependencies) and answers either 'accepted' or the errors to fix: on errors, call submit_prd again with the whole corrected PRD. The PRD must come through this tool, not as text in your reply.",
  inputSchema: {
    type: 'object',
    properties: {
      title: { type: 'string', description: 'Short title of the PRD.' },
      body: { type: 'string', description: 'The PRD in Markdown: problem, goals, non-goals, users, success metrics.' },
      tasks: { type: 'array', minItems: 1, items: TASK_ITEM },
    },
    required: ['title', 'tasks'],
  },
};

const SUBMIT_ROADMAP = {
  name: 'submit_roadmap',
  description:
    "Hand in the structured roadmap: phases, each with milestones. Orch validates it at once and answers 'accepted' or the errors to fix; on errors, call submit_roadmap again with the whole corrected roadmap.",
  inputSchema: {
    type: 'object',
    properties: {
      title: { type: 'string' },
      phases: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            title: { type: 'string' },
            milestones: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                properties: {
                  title: { type: 'string' },
                  duration: { type: 'string' },
                  focus: { type: 'string' },
                  features: { type: 'array', items: { type: 'string' } },
                  successMetrics: { type: 'array', items: { type: 'string' } },
                },
                required: ['title'],
              },
            },
          },
          required: ['title', 'milestones'],
        },
      },
    },
    required: ['title', 'phases'],
  },
};

const SUBMISSIONS = [SUBMIT_PRD, SUBMIT_ROADMAP];

const BASE_TOOLS = [
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
  {
    name: 'report_no_change',
    description:
      'Tell Orch that the task needs no change to any file, and why. Without it (or a changed file, or passing checks) Orch does not accept a task as done.',
    inputSchema: {
      type: 'object',
      properties: {
        reason: { type: 'string', description: 'Why nothing had to change, e.g. what already does what the task asks, where.' },
      },
      required: ['reason'],
      additionalProperties: false,
    },
  },
];

const TOOLS = [...BASE_TOOLS, ...(submitUrl === undefined ? [] : SUBMISSIONS.filter((t) => submitTools.has(t.name)))];

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
  if (name === 'report_no_change') {
    if (typeof a.reason !== 'string' || a.reason.trim() === '') return { error: `reason must be a non-empty string, got ${JSON.stringify(a.reason)}` };
    return { entry: { tool: name, reason: a.reason }, text: 'Recorded: no change needed. Orch will check that the worktree is unchanged.' };
  }
  return { error: `unknown tool ${JSON.stringify(name)}; this server has ${TOOLS.map((t) => t.name).join(', ')}` };
}

function toolError(text) {
  return { content: [{ type: 'text', text }], isError: true };
}

async function submit(name, args) {
  const body = JSON.stringify(args ?? {});
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_SUBMISSION_BYTES) {
    return toolError(`${name} is ${bytes} bytes, over Orch's limit of ${MAX_SUBMISSION_BYTES}: shorten the descriptions and body, then submit again.`);
  }
  let response;
  try {
    response = await globalThis.fetch(new URL(name, submitUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${submitSecret}` },
      body,
    });
  } catch (error) {
    return toolError(`Orch could not be reached to check ${name}: ${error && error.message ? error.message : error}`);
  }
  const text = await response.text();
  let verdict;
  try {
    verdict = JSON.parse(text);
  } catch {
    return toolError(`Orch answered ${name} with HTTP ${response.status}: ${text.slice(0, 500)}`);
  }
  const message = typeof verdict.text === 'string' ? verdict.text : `HTTP ${response.status}`;
  return verdict.accepted === true ? { content: [{ type: 'text', text: message }] } : toolError(message);
}

async function callTool(params) {
  const name = params && params.name;
  if (SUBMISSIONS.some((t) => t.name === name)) {
    if (!TOOLS.some((t) => t.name === name)) return toolError(`${name} is not offered in this attempt`);
    return submit(name, params.arguments);
  }
  const checked = validate(name, params && params.arguments);
  if (checked.error) return { content: [{ type: 'text', text: checked.error }], isError: true };
  report(checked.entry);
  return { content: [{ type: 'text', text: checked.text }] };
}

async function handle(message) {
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
      result = await callTool(params);
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

// One message at a time, so answers keep the order of the requests even while a submission waits.
let queue = Promise.resolve();

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === '') return;
  queue = queue.then(async () => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: `parse error: ${line.slice(0, 80)}` } });
      return;
    }
    for (const m of Array.isArray(message) ? message : [message]) await handle(m);
  });
});
