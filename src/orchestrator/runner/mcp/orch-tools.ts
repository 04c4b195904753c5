// Orch's MCP tools for agents: their definitions (names, descriptions, input schemas) as the CLI
// lists them, and the checks that turn a call into activity for the attempt's event stream.

import { z } from 'zod';
import type { Activity } from '../../../protocol/events';
import type { SubmitToolName } from './submission-endpoint';
import { SUBMIT_REVIEW } from './submit-review-tool';

export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

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

const SUBMIT_PRD: ToolDefinition = {
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

const SUBMIT_ROADMAP: ToolDefinition = {
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

export const SUBMISSION_TOOLS: readonly ToolDefinition[] = [SUBMIT_PRD, SUBMIT_ROADMAP, SUBMIT_REVIEW];

const BASE_TOOLS: readonly ToolDefinition[] = [
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

/** The tools one attempt is offered: the reports always, a submission only where Orch checks it. */
export function toolsFor(submitTools: readonly SubmitToolName[]): readonly ToolDefinition[] {
  return [...BASE_TOOLS, ...SUBMISSION_TOOLS.filter((t) => (submitTools as readonly string[]).includes(t.name))];
}

/** A report tool's call checked: the activity it records and the tool's answer, or what is wrong. */
export type CheckedReport = { readonly activity: Activity; readonly text: string } | { readonly error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const nonBlank = z.string().refine((s) => s.trim() !== '');
// Each tool's arguments, checked in key order; the first wrong one is named with what it must be.
const REPORT_ARGS = {
  report_progress: z.object({ percent: z.number().min(0).max(100), note: z.string() }),
  attach_evidence: z.object({ kind: nonBlank, path_or_text: z.string().min(1) }),
  report_no_change: z.object({ reason: nonBlank }),
};
const MUST_BE: Readonly<Record<string, string>> = {
  percent: 'a number from 0 to 100',
  note: 'a string',
  kind: 'a non-empty string',
  path_or_text: 'a non-empty string',
  reason: 'a non-empty string',
};

type ReportName = keyof typeof REPORT_ARGS;
const isReportName = (name: string): name is ReportName => Object.hasOwn(REPORT_ARGS, name);

export function checkReport(name: string, args: unknown, offered: readonly ToolDefinition[]): CheckedReport {
  if (!isReportName(name)) return { error: `unknown tool ${JSON.stringify(name)}; this server has ${offered.map((t) => t.name).join(', ')}` };
  const given = isRecord(args) ? args : {};
  const parsed = REPORT_ARGS[name].safeParse(given);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? '');
    return { error: `${field} must be ${MUST_BE[field] ?? 'valid'}, got ${JSON.stringify(given[field])}` };
  }
  const a = parsed.data;
  if ('percent' in a) return { activity: { kind: 'progress', percent: a.percent, note: a.note }, text: `Progress ${a.percent}% recorded.` };
  if ('kind' in a) return { activity: { kind: 'evidence', evidenceKind: a.kind, value: a.path_or_text }, text: `Evidence (${a.kind}) attached.` };
  // Verification reads this kind: a check-less task with no changed file passes on it.
  return { activity: { kind: 'evidence', evidenceKind: 'no-change', value: a.reason }, text: 'Recorded: no change needed. Orch will check that the worktree is unchanged.' };
}
