import assert from 'node:assert/strict';
import { agentSession, bash, inventoryModule, markTodo, planTodos, read, realisticUsage, reportProgress, turnWith, usageLedger, wantsThinking } from './realistic-scenarios';
import type { ContentBlock, MessageReply, Reply } from './reply';
import type { ScenarioContext } from './scenarios';
import { parseModelRequest, type ScriptedRequest } from './scripted-request';

const CONTEXT: ScenarioContext = { conversation: 'c', conversationIndex: 0, repeat: 0, requestIndex: 0 };

/** A CLI request after `done` tool rounds, offering `tools`. */
function request(done: number, tools: readonly string[], extra: Record<string, unknown> = {}): ScriptedRequest {
  const messages: unknown[] = [{ role: 'user', content: 'Do the task.' }];
  for (let i = 0; i < done; i++) {
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: `t${i}`, name: 'Bash', input: {} }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: 'ok' }] });
  }
  const body = { model: 'claude-sonnet-5', system: 'Primary working directory: /repo', messages, tools: tools.map((name) => ({ name })), ...extra };
  return parseModelRequest('anthropic', body, { 'user-agent': 'claude-cli/2.1.197' });
}

function message(reply: Reply | Promise<Reply>): MessageReply {
  assert.ok(!(reply instanceof Promise) && reply.kind === 'message');
  return reply;
}

const types = (content: readonly ContentBlock[]): string[] => content.map((b) => b.type);

describe('realistic scenarios', () => {
  const turns = [
    turnWith({ thinking: 'plan first', prose: 'Planning.', calls: [planTodos(['Read', 'Fix'])] }),
    { prose: 'Reading two files at once.', calls: [read('src/a.js'), read('/abs/b.js'), reportProgress(50, 'half')] },
    { calls: [bash('npm test', 'Run the tests')] },
  ];

  it('answers one turn per tool round: prose, then every call of the turn in parallel, then the summary', () => {
    const session = agentSession(turns, { summary: 'All done.' });
    const second = message(session(request(1, ['Read', 'mcp__orch__report_progress']), CONTEXT));
    assert.deepEqual(types(second.content), ['text', 'tool_use', 'tool_use', 'tool_use']);
    const inputs = second.content.flatMap((b) => (b.type === 'tool_use' ? [b.input] : []));
    assert.deepEqual(inputs, [{ file_path: '/repo/src/a.js' }, { file_path: '/abs/b.js' }, { percent: 50, note: 'half' }]);
    const ids = second.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
    assert.equal(new Set(ids).size, 3);
    assert.ok(ids.every((id) => /^toolu_01\w{22}$/.test(id)), ids.join(','));
    const end = message(session(request(3, []), CONTEXT));
    assert.deepEqual(end.content, [{ type: 'text', text: 'All done.' }]);
  });

  it("leaves out Orch's tools when the CLI does not offer them, and refuses a turn left with nothing to call", () => {
    const session = agentSession([{ calls: [read('a'), reportProgress(1, 'x')] }, { calls: [reportProgress(2, 'y')] }], { summary: 'x' });
    assert.deepEqual(types(message(session(request(0, ['Read']), CONTEXT)).content), ['tool_use']);
    assert.throws(() => session(request(1, ['Read']), CONTEXT), /no tool call the CLI offers/);
  });

  it('thinks only when the request asks for thinking', () => {
    const session = agentSession(turns, { summary: 'x' });
    assert.equal(wantsThinking(request(0, [])), false);
    assert.deepEqual(types(message(session(request(0, ['TaskCreate']), CONTEXT)).content), ['text', 'tool_use', 'tool_use']);
    const thinking = request(0, ['TaskCreate'], { thinking: { type: 'adaptive' } });
    assert.deepEqual(types(message(session(thinking, CONTEXT)).content), ['thinking', 'text', 'tool_use', 'tool_use']);
    assert.equal(wantsThinking(request(0, [], { thinking: { type: 'disabled' } })), false);
  });

  it('keeps a todo list with TaskCreate/TaskUpdate when offered, else with TodoWrite', () => {
    const todos = ['Read it', 'Fix it'];
    assert.deepEqual(planTodos(todos)(request(0, ['TaskCreate', 'TaskUpdate'])), [
      { name: 'TaskCreate', input: { subject: 'Read it', description: 'Read it', activeForm: 'Reading it' } },
      { name: 'TaskCreate', input: { subject: 'Fix it', description: 'Fix it', activeForm: 'Fixing it' } },
    ]);
    assert.deepEqual(markTodo(todos, 1, 'in_progress')(request(0, ['TaskUpdate'])), [{ name: 'TaskUpdate', input: { taskId: '2', status: 'in_progress' } }]);
    assert.deepEqual(markTodo(todos, 1, 'in_progress')(request(0, ['Read'])), [
      {
        name: 'TodoWrite',
        input: {
          todos: [
            { content: 'Read it', activeForm: 'Reading it', status: 'completed' },
            { content: 'Fix it', activeForm: 'Fixing it', status: 'in_progress' },
          ],
        },
      },
    ]);
  });

  it('bills the prompt prefix to the cache on the first answer and reads it back after; the ledger sums every answer', () => {
    const ledger = usageLedger();
    const session = agentSession(turns, { summary: 'x', ledger });
    const first = message(session(request(0, ['TaskCreate']), CONTEXT)).usage;
    const later = message(session(request(2, ['TaskCreate']), CONTEXT)).usage;
    assert.ok(first !== undefined && later !== undefined);
    assert.ok((first.cacheCreationInputTokens ?? 0) > 0 && first.cacheReadInputTokens === 0);
    assert.ok(later.cacheCreationInputTokens === 0 && (later.cacheReadInputTokens ?? 0) > (first.cacheCreationInputTokens ?? 0));
    assert.deepEqual(ledger, {
      answers: 2,
      inputTokens: first.inputTokens + later.inputTokens,
      cacheCreationInputTokens: first.cacheCreationInputTokens,
      cacheReadInputTokens: later.cacheReadInputTokens,
      outputTokens: first.outputTokens + later.outputTokens,
    });
    const big = realisticUsage(request(0, []), [{ type: 'text', text: 'x'.repeat(4_000) }]);
    assert.ok(big.outputTokens >= 1_000);
  });

  it('generates a data module of tens of KB that Node can load', () => {
    const source = inventoryModule(600);
    assert.ok(source.length > 40_000, String(source.length));
    const mod: { exports: { ENTRIES?: unknown[]; byCode?: (c: string) => { name: string } } } = { exports: {} };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- loading the generated module the way Node's loader would is the test.
    (new Function('module', source) as (m: typeof mod) => void)(mod);
    assert.equal(mod.exports.ENTRIES?.length, 600);
    assert.equal(mod.exports.byCode?.('R0600').name, 'Region 600');
  });
});
