// Scenarios that answer like a real coding agent rather than a one-line fixture: many turns of
// prose and tool calls (several per turn at times), thinking when the client asks for it, large
// files and logs, token usage that grows with the conversation and is served from the prompt
// cache, and a long closing summary. Tests use them to see Orch handle what real work sends.

import { randomBytes } from 'node:crypto';
import { textReply, thinkingBlock, type ContentBlock, type MessageReply, type Usage } from './reply';
import { absolutePath, type Scenario } from './scenarios';
import type { ScriptedRequest } from './scripted-request';

export type ToolInput = Readonly<Record<string, unknown>>;

export interface ToolCall {
  readonly name: string;
  /** `file_path` and `path` may be relative: they are resolved against the CLI's working directory. */
  readonly input: ToolInput;
}

/** One model answer that calls tools: the agent's reasoning, what it says, what it calls (in parallel when several). */
export interface AgentTurn {
  readonly thinking?: string;
  readonly prose?: string;
  readonly calls: readonly ToolCall[];
}

/** A turn may depend on the request: which tools the CLI offers, where it works. */
export type TurnScript = AgentTurn | ((request: ScriptedRequest) => AgentTurn);

/** What the scenario billed, summed over its answers: what the CLI's cost and token figures come from. */
export interface UsageLedger {
  answers: number;
  inputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  outputTokens: number;
}

export function usageLedger(): UsageLedger {
  return { answers: 0, inputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, outputTokens: 0 };
}

export interface AgentSessionOptions {
  readonly summary: string | ((request: ScriptedRequest) => string);
  readonly summaryThinking?: string;
  readonly ledger?: UsageLedger;
}

const ORCH_TOOL_PREFIX = 'mcp__orch__';

function toolUseId(): string {
  return `toolu_01${randomBytes(16).toString('base64url').replace(/[-_]/g, 'x').slice(0, 22)}`;
}

function resolvePaths(input: ToolInput, request: ScriptedRequest): ToolInput {
  const out: Record<string, unknown> = { ...input };
  for (const key of ['file_path', 'path']) {
    const value = out[key];
    if (typeof value === 'string') out[key] = absolutePath(value, request);
  }
  return out;
}

/** The client asked for extended thinking (the claude CLI sends `thinking: {type: 'adaptive'}`). */
export function wantsThinking(request: ScriptedRequest): boolean {
  const thinking = (request.body as { thinking?: { type?: unknown } } | undefined)?.thinking;
  return thinking !== undefined && thinking.type !== 'disabled';
}

const tokens = (chars: number): number => Math.max(1, Math.ceil(chars / 4));

/**
 * About four characters a token. The system prompt and tools are written to the cache on the
 * first answer and read from it afterwards; the conversation so far is read back from the cache
 * and only the newest message is fresh input, as with Claude Code's cache breakpoints.
 */
export function realisticUsage(request: ScriptedRequest, content: readonly ContentBlock[]): Usage {
  const body = request.body as { system?: unknown; tools?: unknown; messages?: unknown[] } | undefined;
  const prefix = tokens(JSON.stringify(body?.system ?? '').length + JSON.stringify(body?.tools ?? []).length);
  const messages = body?.messages ?? [];
  const newest = tokens(JSON.stringify(messages.at(-1) ?? '').length);
  const history = tokens(JSON.stringify(messages.slice(0, -1)).length);
  const first = request.turn === 0;
  return {
    inputTokens: newest,
    cacheCreationInputTokens: first ? prefix : 0,
    cacheReadInputTokens: first ? 0 : prefix + history,
    outputTokens: tokens(JSON.stringify(content).length),
  };
}

function bill(ledger: UsageLedger | undefined, usage: Usage): void {
  if (ledger === undefined) return;
  ledger.answers += 1;
  ledger.inputTokens += usage.inputTokens;
  ledger.cacheCreationInputTokens += usage.cacheCreationInputTokens ?? 0;
  ledger.cacheReadInputTokens += usage.cacheReadInputTokens ?? 0;
  ledger.outputTokens += usage.outputTokens;
}

function answer(request: ScriptedRequest, content: ContentBlock[], ledger: UsageLedger | undefined): MessageReply {
  const usage = realisticUsage(request, content);
  bill(ledger, usage);
  return { kind: 'message', content, usage };
}

/**
 * Plays `turns` one model answer each (counted from the latest prompt, so a rework starts
 * over), then ends with the summary. Calls to Orch's own tools are left out when the CLI does
 * not offer them (an agent run without Orch's MCP server).
 */
export function agentSession(turns: readonly TurnScript[], options: AgentSessionOptions): Scenario {
  return (request) => {
    const script = turns[request.turnSincePrompt];
    const thinking = wantsThinking(request);
    if (script === undefined) {
      const text = typeof options.summary === 'string' ? options.summary : options.summary(request);
      const content: ContentBlock[] = thinking && options.summaryThinking !== undefined ? [thinkingBlock(options.summaryThinking)] : [];
      return answer(request, [...content, ...textReply(text).content], options.ledger);
    }
    const turn = typeof script === 'function' ? script(request) : script;
    const calls = turn.calls.filter((c) => !c.name.startsWith(ORCH_TOOL_PREFIX) || request.tools.includes(c.name));
    if (calls.length === 0) throw new Error(`agent turn ${request.turnSincePrompt} has no tool call the CLI offers (of ${turn.calls.map((c) => c.name).join(', ')})`);
    const content: ContentBlock[] = [];
    if (thinking && turn.thinking !== undefined) content.push(thinkingBlock(turn.thinking));
    if (turn.prose !== undefined) content.push({ type: 'text', text: turn.prose });
    for (const call of calls) content.push({ type: 'tool_use', id: toolUseId(), name: call.name, input: resolvePaths(call.input, request) });
    return answer(request, content, options.ledger);
  };
}

export const read = (path: string, extra: ToolInput = {}): ToolCall => ({ name: 'Read', input: { file_path: path, ...extra } });
export const write = (path: string, content: string): ToolCall => ({ name: 'Write', input: { file_path: path, content } });
export const edit = (path: string, oldString: string, newString: string): ToolCall => ({
  name: 'Edit',
  input: { file_path: path, old_string: oldString, new_string: newString },
});
export const bash = (command: string, description: string): ToolCall => ({ name: 'Bash', input: { command, description } });
const grep = (pattern: string, extra: ToolInput = {}): ToolCall => ({ name: 'Grep', input: { pattern, ...extra } });
const glob = (pattern: string, path?: string): ToolCall => ({ name: 'Glob', input: path === undefined ? { pattern } : { pattern, path } });
export const reportProgress = (percent: number, note: string): ToolCall => ({ name: `${ORCH_TOOL_PREFIX}report_progress`, input: { percent, note } });

export type TodoStatus = 'pending' | 'in_progress' | 'completed';

function activeForm(subject: string): string {
  const [verb = '', ...rest] = subject.split(' ');
  const ing = verb.endsWith('e') ? `${verb.slice(0, -1)}ing` : `${verb}ing`;
  return [ing, ...rest].join(' ');
}

/**
 * The agent's task list: CLI 2.1.x offers TaskCreate/TaskUpdate (numbering tasks from 1) where
 * older ones offered TodoWrite with the whole list each time; the plan uses whichever is offered.
 */
export function planTodos(subjects: readonly string[]): (request: ScriptedRequest) => readonly ToolCall[] {
  return (request) =>
    request.tools.includes('TaskCreate')
      ? subjects.map((subject) => ({ name: 'TaskCreate', input: { subject, description: subject, activeForm: activeForm(subject) } }))
      : [{ name: 'TodoWrite', input: { todos: subjects.map((content) => ({ content, status: 'pending', activeForm: activeForm(content) })) } }];
}

/** Moves todo `index` (0-based, of `subjects`) to `status`; with TodoWrite every earlier todo is done. */
export function markTodo(subjects: readonly string[], index: number, status: TodoStatus): (request: ScriptedRequest) => readonly ToolCall[] {
  return (request) => {
    if (request.tools.includes('TaskUpdate')) return [{ name: 'TaskUpdate', input: { taskId: String(index + 1), status } }];
    const todos = subjects.map((content, i) => ({ content, activeForm: activeForm(content), status: i < index ? 'completed' : i === index ? status : 'pending' }));
    return [{ name: 'TodoWrite', input: { todos } }];
  };
}

/** A turn whose calls depend on the request (todo tools), plus fixed ones. */
export function turnWith(turn: Omit<AgentTurn, 'calls'> & { readonly calls: readonly (ToolCall | ((r: ScriptedRequest) => readonly ToolCall[]))[] }): TurnScript {
  return (request) => ({ ...turn, calls: turn.calls.flatMap((c) => (typeof c === 'function' ? c(request) : [c])) });
}

const REGIONS = ['north', 'south', 'east', 'west', 'central'];

/** A generated data module of `count` entries, about 70 characters each: tens of KB to read. */
export function inventoryModule(count: number): string {
  const rows = Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const code = `R${String(n).padStart(4, '0')}`;
    return `  { code: '${code}', name: 'Region ${n}', population: ${(n * 7919) % 100_000}, zone: '${REGIONS[n % REGIONS.length]}' },`;
  });
  return [
    "'use strict';",
    '',
    '// Generated from the regions inventory; do not edit the table by hand.',
    'const ENTRIES = [',
    ...rows,
    '];',
    '',
    'function byCode(code) {',
    '  return ENTRIES.find((entry) => entry.code === code);',
    '}',
    '',
    'function total() {',
    '  return ENTRIES.length;',
    '}',
    '',
    'module.exports = { ENTRIES, byCode, total };',
    '',
  ].join('\n');
}

/** A build log of `lines` lines with a warning every 40th: the kind of output an agent `cat`s. */
function buildLogScript(lines: number): string {
  return `for (let i = 1; i <= ${lines}; i++) console.log(\`[build] \${String(i).padStart(5, "0")} \${i % 40 === 0 ? "WARN slow module" : "ok"} src/modules/module-\${i}.js compiled in \${(i * 37) % 900} ms\`)`;
}

const INVENTORY_TODOS = ['Map the repository', 'Generate the inventory module', 'Test the inventory module', 'Check the build log', 'Document the module'];

const INVENTORY_TEST = `'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { ENTRIES, byCode, total } = require('../src/inventory.js');

test('finds an entry by its code', () => {
  assert.equal(byCode('R0001').name, 'Region 1');
  assert.equal(byCode('nope'), undefined);
});

test('totals the population of every entry', () => {
  assert.equal(total(), ENTRIES.reduce((sum, e) => sum + e.population, 0));
});
`;

/**
 * A long, realistic session in any directory without a package.json: 30+ tool calls of every kind
 * (some in parallel, one that fails: reading package.json before it exists), files and logs of
 * tens of KB, a test suite it writes and runs with `npm test`, and a summary of a few KB. What it leaves: package.json, src/inventory.js, test/inventory.test.js, logs/,
 * docs/inventory.md.
 */
export function inventorySession(options: { readonly entries?: number; readonly logLines?: number; readonly ledger?: UsageLedger } = {}): Scenario {
  const entries = options.entries ?? 600;
  const module = inventoryModule(entries);
  const todos = INVENTORY_TODOS;
  const turns: TurnScript[] = [
    turnWith({
      thinking: 'The task is broad: plan first, then map the repository before writing anything.',
      prose: "I'll plan the work, then look around the repository before changing anything.",
      calls: [planTodos(todos)],
    }),
    turnWith({ prose: 'Starting with the layout and history.', calls: [markTodo(todos, 0, 'in_progress'), bash('ls -la && git log --oneline -5', 'List files and recent commits'), glob('**/*.md')] }),
    { prose: 'Looking for existing conventions in the Markdown files.', calls: [grep('Milestone|Phase', { output_mode: 'content', '-n': true }), read('roadmap.md')] },
    { prose: 'Is there a package.json with scripts already?', calls: [read('package.json')] },
    turnWith({ prose: 'No source code yet, so the module is new. Marking progress.', calls: [markTodo(todos, 0, 'completed'), markTodo(todos, 1, 'in_progress'), reportProgress(10, 'repository mapped')] }),
    { thinking: 'A generated table is simplest to check; write it whole, then read it back.', prose: `Writing the inventory module (${entries} entries).`, calls: [write('src/inventory.js', module)] },
    { prose: 'Reading it back to check the generated table.', calls: [read('src/inventory.js')] },
    {
      prose: '`total()` counts entries, but the inventory needs the total population. Fixing that.',
      calls: [edit('src/inventory.js', 'function total() {\n  return ENTRIES.length;\n}', 'function total() {\n  return ENTRIES.reduce((sum, entry) => sum + entry.population, 0);\n}')],
    },
    { prose: 'Checking the syntax and a lookup.', calls: [bash(`node --check src/inventory.js && node -e "const m = require('./src/inventory.js'); console.log(m.ENTRIES.length, m.byCode('R0001').name, m.total())"`, 'Check syntax and try a lookup')] },
    turnWith({ prose: 'Now the tests.', calls: [markTodo(todos, 1, 'completed'), markTodo(todos, 2, 'in_progress'), write('test/inventory.test.js', INVENTORY_TEST)] }),
    { prose: 'There was no package.json: adding one so `npm test` runs them.', calls: [write('package.json', `${JSON.stringify({ name: 'inventory', private: true, scripts: { test: 'node --test test/' } }, null, 2)}\n`)] },
    { prose: 'Running the suite.', calls: [bash('mkdir -p logs && npm test 2>&1 | tee logs/test-run.log | tail -n 12', 'Run the tests and keep the log')] },
    { prose: 'Reading the tests once more before adding a case.', calls: [read('test/inventory.test.js'), glob('src/**/*.js'), glob('test/**/*.js')] },
    {
      prose: 'Adding a test for the zones.',
      calls: [
        edit(
          'test/inventory.test.js',
          "test('totals the population of every entry', () => {",
          "test('every entry has a known zone', () => {\n  for (const e of ENTRIES) assert.ok(['north', 'south', 'east', 'west', 'central'].includes(e.zone), e.code);\n});\n\ntest('totals the population of every entry', () => {",
        ),
      ],
    },
    { prose: 'Running the suite again.', calls: [bash('npm test 2>&1 | tail -n 12', 'Run the tests')] },
    turnWith({ prose: 'Tests pass. Next, the build log.', calls: [markTodo(todos, 2, 'completed'), markTodo(todos, 3, 'in_progress'), reportProgress(60, 'module and tests done')] }),
    { prose: 'Producing the build log.', calls: [bash(`node -e '${buildLogScript(options.logLines ?? 420)}' > logs/build.log && wc -l logs/build.log`, 'Write the build log')] },
    { prose: 'Reading the whole log.', calls: [bash('cat logs/build.log', 'Show the build log')] },
    { prose: 'And the verbose timings, which are longer than the CLI shows inline.', calls: [bash(`node -e '${buildLogScript(1_200)}'`, 'Print every module timing')] },
    { prose: 'Only the warnings matter; listing them.', calls: [grep('WARN', { path: 'logs/build.log', output_mode: 'content', '-n': true })] },
    { prose: 'Checking the log with the Read tool too, with line numbers.', calls: [read('logs/build.log', { offset: 1, limit: 400 })] },
    turnWith({ prose: 'The warnings are slow modules only, nothing to fix. Documenting.', calls: [markTodo(todos, 3, 'completed'), markTodo(todos, 4, 'in_progress')] }),
    {
      prose: 'Writing the documentation.',
      calls: [write('docs/inventory.md', `# Inventory\n\n\`src/inventory.js\` holds ${entries} regions.\n\n- \`byCode(code)\`: the entry, or undefined.\n- \`total()\`: the total population.\n\nRun \`npm test\`.\n`)],
    },
    { prose: 'Final check of what changed.', calls: [bash('git status --short && git diff --stat', 'Show changes'), bash('npm test 2>&1 | tail -n 5', 'Run the tests one last time')] },
    turnWith({ prose: 'Done; closing the list.', calls: [markTodo(todos, 4, 'completed'), reportProgress(100, 'done')] }),
  ];
  return agentSession(turns, { summary: inventorySummary(entries), summaryThinking: 'All five todos are done and the suite passes; summarise for the reviewer.', ...(options.ledger ? { ledger: options.ledger } : {}) });
}

function inventorySummary(entries: number): string {
  const rows = ['src/inventory.js', 'test/inventory.test.js', 'package.json', 'docs/inventory.md', 'logs/build.log', 'logs/test-run.log'].map(
    (file) => `| \`${file}\` | ${file.startsWith('logs/') ? 'generated output, kept for the record' : 'new'} |`,
  );
  const details = Array.from({ length: 30 }, (_, i) =>
    `${i + 1}. Checked region group ${i + 1} (codes R${String(i * 25 + 1).padStart(4, '0')} to R${String(i * 25 + 25).padStart(4, '0')}): names, zones and populations are consistent with the generator.`,
  );
  return [
    '## Summary',
    '',
    `I added an inventory module with ${entries} generated regions, fixed its \`total()\` to sum populations instead of counting entries, and covered it with three tests run by \`npm test\` (node's built-in runner).`,
    '',
    '| File | Change |',
    '| --- | --- |',
    ...rows,
    '',
    '### How I checked it',
    '',
    ...details,
    '',
    '### Notes',
    '',
    '- The build log has a warning every 40th module ("slow module"); they are timings, not errors.',
    '- `npm test` passes: 3 tests, 0 failures.',
  ].join('\n');
}
