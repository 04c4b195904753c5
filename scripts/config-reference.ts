// Writes docs/config.md from the zod schema of `.orch/config.json`, so the reference cannot drift
// from what Orch accepts. Descriptions live here, keyed by path, rather than on the schema: the
// schema stays about validation. A key without a description, or a description for a key the
// schema does not have, is an error: the reference is complete and says nothing untrue.
//
//   npm run docs:config            rewrite docs/config.md
//   npm run docs:config -- --check exit 1 when docs/config.md is out of date

import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { configSchema } from '../src/orchestrator/config/orch-config';

export const CONFIG_DOC = resolve(__dirname, '..', 'docs', 'config.md');

/** `<name>` stands for any key of a record (`models.<name>.tier`: the tier of any model). */
export const DESCRIPTIONS: Readonly<Record<string, string>> = {
  parallel: 'How many attempts (agents) run at once across the whole run. `orch run --parallel` and the `orch.parallel` setting override it.',
  budgetUsd:
    'The run\'s spending limit in US dollars. An attempt starts only when its predicted cost fits what is left, and is capped at that; when the budget is spent the run pauses (exit code 3) until `orch resume --budget USD`. `orch run --budget` and the `orch.budgetUsd` setting override it. Unset: no run limit.',
  taskBudgetUsd: 'A cap on what one task may spend over all its attempts, for tasks whose PRD gives no `budgetUsd` of its own. A task that has spent its cap is blocked alone; the run goes on.',
  router: 'The model router: which model each task runs on (see [architecture.md](architecture.md), "Routing and budgets").',
  'router.enabled': 'Off: every task runs on its PRD pin or its agent\'s model. On: a task without a pin runs on the cheapest routable model of its agent\'s provider expected to pass verification first time.',
  'router.targetFirstPassRate': 'The expected first-pass verification rate (0 to 1) the cheapest chosen model must reach, from the task\'s complexity and what earlier attempts (this run and earlier runs, kept in `.orch/orch.json`) taught.',
  'router.fallbackPinned': 'Let a task pinned to a model (`model:` in its PRD) fall back to the next model of that model\'s `fallback` chain when it is overloaded, rate limited or unavailable. Off: a pin is never silently overridden.',
  attemptTimeoutSec: 'Wall-clock limit of one attempt, in seconds; the agent\'s processes are stopped when it is reached. Also the upper bound (with 600) of a `command` check\'s default timeout.',
  inactivityTimeoutSec: 'An attempt whose agent prints nothing for this many seconds is stopped as stuck.',
  maxAttempts: 'Attempts per task, the first included (`orch resume --task` gives a retried task a fresh count). A task whose checks still fail after this many is `blocked`; one whose agent keeps failing (crash, timeout, API error) is `failed`.',
  phases: 'The workflow phases in order. Within a PRD a phase starts when every task of the previous one is verified. Agents name the phases they work in; a task without `phase` takes its agent\'s first.',
  models: 'Overrides of the model catalog, by model name (an alias such as `sonnet`, or an API id); merged over the models Orch ships. A model Orch does not ship needs at least `provider`, `inputPerMTok` and `outputPerMTok`. The `orch.models` setting (passed to the CLI as `ORCH_MODELS`) is merged over this.',
  'models.<name>': 'One model\'s overrides; keys left out keep the shipped value.',
  'models.<name>.provider': '`claude` runs through the claude CLI; `openai` through the OpenAI SDK (`OPENAI_API_KEY`, `OPENAI_BASE_URL`).',
  'models.<name>.tier': 'How capable the model is, for routing and for the complexity estimate: `strong`, `balanced` or `fast`.',
  'models.<name>.inputPerMTok': 'Price of input tokens, US dollars per million.',
  'models.<name>.outputPerMTok': 'Price of output tokens, US dollars per million.',
  'models.<name>.cacheReadPerMTok': 'Price of cache reads, US dollars per million tokens (default for a new model: 0.1 x input).',
  'models.<name>.cacheWritePerMTok': 'Price of cache writes, US dollars per million tokens (default for a new model: 1.25 x input).',
  'models.<name>.contextWindow': 'Context window in tokens.',
  'models.<name>.fallback': 'Models to try, in order, when this one is overloaded, rate limited or unavailable.',
  'models.<name>.routable': 'The router may choose it. A model that is not routable runs only when a PRD pins it or an agent names it.',
  dashboardPort: 'Port of the dashboard on 127.0.0.1 (the next free one above it if taken; 0: any free port). `--port` and the `orch.dashboardPort` setting override it.',
  claudePath: 'The `claude` executable for agents. Order: `--claude-path`, `ORCH_CLAUDE_PATH`, this key (or the `orch.claudePath` setting in VS Code), `claude` on PATH, the one in Orch\'s own node_modules.',
  chromiumPath: 'The Chromium that `browser` checks drive. `ORCH_CHROMIUM_PATH` wins over it; unset: `/usr/bin/chromium`.',
  browsers: 'The engines a `browser` check runs in when it names none (`chromium`, `firefox`, `webkit`); a check\'s own `browsers` wins. An engine not installed here makes its check unavailable, never passed.',
  redact: 'Names of environment variables whose values are secrets (a database URL, a webhook): Orch keeps them out of evidence files, the event log and the dashboard, as it does for every variable named like a key, token, secret or password.',
  worktree: 'Preparing each new task worktree before its agent starts.',
  'worktree.setup': 'A command run once in each new task worktree (in that folder, through `sh -c`) before its agent starts, e.g. `npm ci`. Its output is evidence; a failed setup blocks the task without a model call. With an installer command and a lockfile, the installed `node_modules` is reused across worktrees. Gitignored files to copy into each worktree are named in `.worktreeinclude` at the repository root (gitignore syntax).',
  'worktree.setupTimeoutSec': 'How long the setup command may run before it is stopped and the task blocked.',
  alerts: 'Webhooks told of a run\'s alerts, each `{url, events, format?}`: `events` lists the kinds sent to `url` (`blocked`, `needs-input`, `budget`, `failed`, `completed`, `defect`); `format` is `json` (default, the payload in [backup-and-alerts.md](backup-and-alerts.md#alerts)) or `slack` (`{"text": ...}`). Failed deliveries are retried with backoff; a webhook that keeps failing raises one warning. The dashboard shows the same alerts as a banner.',
  review:
    'Leader cross-verification: after a task\'s checks pass, a reviewer agent (never its author) reads the diff, the brief and the evidence and answers through `submit_review`; a request for changes is a defect and a rework of the author\'s session. A task\'s `review: true|false` in its PRD wins over these settings.',
  'review.phases':
    'Whose tasks are reviewed: roadmap phase ids (`"2"`) or workflow phases (`"implementation"`). Unset: the tasks of each roadmap phase whose title, or one of whose milestones\' title, focus, features or success metrics, asks for a leadership (or leader) review, a code review or cross-verification. `[]`: none.',
  'review.agent': 'The reviewer agent. Unset: `reviewer`, else the first leadership-review agent that is not the task\'s author. It must be a Claude agent other than the author.',
  adapt: 'Adaptation during a run, each decision a `run.adapted` event with its reason (see [architecture.md](architecture.md), "Adaptation"): ready work ordered by predicted duration on the critical path, a model moved a tier when history disagrees with the prior, a task handed to a teammate when its agent is saturated, adaptive parallelism, and one shared pace for model requests in a rate-limit storm (AIMD on tries a minute; a 429 retry waits for the shared window instead of using up the retries of its attempt).',
  'adapt.enabled': 'Off: a static run (the plain order, the assigned agents, `parallel` attempts throughout), to compare against. `ORCH_ADAPT=0` in the environment turns it off too.',
  'adapt.quietSec': 'After a back-off, how many seconds without new pressure (a 529, memory, a 429 the request pace does not already answer), with an attempt succeeding, before one more attempt may run at once (up to `parallel`).',
  'adapt.holdSec': 'After halving the parallelism, further 429s or 529s within this many seconds count as the same burst and do not halve it again.',
  'adapt.agentBudgetShare': 'The share (0 to 1] of an agent\'s `budgetUsd` spent from which it counts as saturated, and a teammate with the task\'s phase takes its next ready task.',
  'review.model': 'The reviewer\'s model, when it should differ from its agent\'s (a second opinion from another model).',
};

interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly minItems?: number;
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: JsonSchema | boolean;
  readonly required?: readonly string[];
}

interface Row {
  readonly path: string;
  readonly type: string;
  readonly defaultValue: string;
  readonly description: string;
}

interface Key {
  readonly path: string;
  readonly schema: JsonSchema;
}

/** Every key the schema accepts, parents before children, in the schema's own order. */
export function schemaKeys(): Key[] {
  const root = z.toJSONSchema(configSchema, { io: 'input' }) as JsonSchema;
  const keys: Key[] = [];
  const walk = (schema: JsonSchema, prefix: string): void => {
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      keys.push({ path, schema: child });
      walk(child, path);
    }
    const record = schema.additionalProperties;
    if (typeof record === 'object' && schema.properties === undefined) {
      const path = `${prefix}.<name>`;
      keys.push({ path, schema: record });
      walk(record, path);
    }
  };
  walk(root, '');
  return keys;
}

export class ConfigReferenceError extends Error {
  override readonly name = 'ConfigReferenceError';
}

/** The whole of docs/config.md. Throws when a schema key lacks a description or one is left over. */
export function renderConfigReference(descriptions: Readonly<Record<string, string>> = DESCRIPTIONS): string {
  const keys = schemaKeys();
  const paths = new Set(keys.map((k) => k.path));
  const missing = keys.filter((k) => descriptions[k.path] === undefined).map((k) => k.path);
  const extra = Object.keys(descriptions).filter((p) => !paths.has(p));
  const problems = [
    ...missing.map((p) => `missing description for config key "${p}": add it to DESCRIPTIONS in scripts/config-reference.ts`),
    ...extra.map((p) => `description for "${p}", which the schema in src/orchestrator/config/orch-config.ts does not have: remove it from DESCRIPTIONS in scripts/config-reference.ts`),
  ];
  if (problems.length > 0) throw new ConfigReferenceError(problems.join('\n'));
  const rows = keys.map((k): Row => ({ path: k.path, type: typeOf(k.schema), defaultValue: defaultOf(k.schema), description: descriptions[k.path] ?? '' }));
  return [HEADER, '| Key | Type | Default | Description |', '|---|---|---|---|', ...rows.map(row), '', FOOTER].join('\n');
}

const HEADER = `<!-- Generated by scripts/config-reference.ts from src/orchestrator/config/orch-config.ts: run \`npm run docs:config\`; do not edit by hand. -->

# \`.orch/config.json\` reference

A workspace's settings live in \`.orch/config.json\` (JSON). The file is optional: a missing file
means every default below. Unknown keys are an error naming the key and its line, as is a value of
the wrong type (\`orch\` exits with code 2); nothing runs on a config it cannot read.

Inside VS Code the \`orch.*\` settings (\`orch.claudePath\`, \`orch.parallel\`, \`orch.budgetUsd\`,
\`orch.dashboardPort\`, \`orch.models\`) override the file; command-line flags override both where
a flag exists (see [cli.md](cli.md)). \`<name>\` below stands for any model name.
`;

const FOOTER = `An example:

\`\`\`json
{
  "parallel": 2,
  "budgetUsd": 5,
  "taskBudgetUsd": 1,
  "maxAttempts": 2,
  "router": { "targetFirstPassRate": 0.9 },
  "models": { "haiku": { "routable": false } }
}
\`\`\`
`;

function row(r: Row): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return `| \`${r.path}\` | ${cell(r.type)} | ${cell(r.defaultValue)} | ${cell(r.description)} |`;
}

function typeOf(s: JsonSchema): string {
  if (s.enum !== undefined) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' or ');
  const type = typeof s.type === 'string' ? s.type : s.type === undefined ? 'any' : s.type.join(' or ');
  if (type === 'array') {
    const item = s.items === undefined ? 'any' : typeOf(s.items);
    return `array of ${item.includes(',') ? `(${item})` : item}${s.minItems === undefined ? '' : `, at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`}`;
  }
  if (type === 'object') return s.properties === undefined && typeof s.additionalProperties === 'object' ? 'object by name' : 'object';
  const bounds: string[] = [];
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined) bounds.push(`>= ${s.minimum}`);
  // zod states an integer's safe range as its maximum: not a limit worth printing.
  if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`<= ${s.maximum}`);
  if (s.minLength !== undefined && s.minLength > 0) bounds.push('not empty');
  return bounds.length === 0 ? type : `${type}, ${bounds.join(', ')}`;
}

function defaultOf(s: JsonSchema): string {
  return s.default === undefined ? '-' : `\`${JSON.stringify(s.default)}\``;
}

function main(argv: readonly string[]): number {
  const text = renderConfigReference();
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(CONFIG_DOC, 'utf8');
    } catch {
      // a missing file is out of date like any other
    }
    if (current === text) return 0;
    process.stderr.write(`${CONFIG_DOC} is out of date with the schema: run npm run docs:config\n`);
    return 1;
  }
  writeFileSync(CONFIG_DOC, text);
  process.stdout.write(`wrote ${join('docs', 'config.md')}\n`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
