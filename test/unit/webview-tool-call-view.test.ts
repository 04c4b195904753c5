import { strict as assert } from 'node:assert';
import type { Activity } from '../../src/protocol/events';
import { diffCounts, diffRows } from '../../webview/src/lib/diff-rows';
import { highlightToHtml } from '../../webview/src/lib/highlight';
import { commandOutput, displayPath, exitStatus, languageOf, pairToolCalls, shownWithCall, summaryDetail, toolTitle, toolView, type ToolResult } from '../../webview/src/lib/tool-call-view';

const call = (toolUseId: string, name = 'Bash', input: unknown = { command: 'ls' }): Activity => ({ kind: 'tool-call', toolUseId, name, input });
const result = (toolUseId: string, text = 'ok', isError = false): ToolResult => ({ kind: 'tool-result', toolUseId, isError, text });

describe('webview tool calls: what each call shows', () => {
  it('shows a Write as its path and content, in the language of its extension', () => {
    assert.deepEqual(toolView('Write', { file_path: '/w/src/app.ts', content: 'const a = 1;\n' }), { kind: 'write', path: '/w/src/app.ts', content: 'const a = 1;\n', language: 'typescript' });
    assert.equal((toolView('Write', { file_path: 'notes', content: 'x' }) as { language?: string }).language, undefined);
  });

  it('shows Edit and MultiEdit as old -> new pairs, and Bash as its command and description', () => {
    assert.deepEqual(toolView('Edit', { file_path: 'a.py', old_string: 'x = 1', new_string: 'x = 2', replace_all: true }), { kind: 'edit', path: 'a.py', edits: [{ oldText: 'x = 1', newText: 'x = 2', replaceAll: true }] });
    const multi = toolView('MultiEdit', { file_path: 'a.py', edits: [{ old_string: 'a', new_string: 'b' }, { old_string: 'c', new_string: 'd' }] });
    assert.equal(multi.kind === 'edit' ? multi.edits.length : 0, 2);
    assert.deepEqual(toolView('Bash', { command: 'npm test', description: 'Run the tests' }), { kind: 'bash', command: 'npm test', description: 'Run the tests', background: false });
  });

  it('shows lookups as one line: the path or pattern, and the options that narrow it', () => {
    assert.deepEqual(toolView('Read', { file_path: 'src/a.ts', offset: 10, limit: 20 }), { kind: 'lookup', verb: 'Read', target: 'src/a.ts', detail: 'from line 10, 20 lines' });
    assert.deepEqual(toolView('Grep', { pattern: 'TODO', path: 'src', output_mode: 'content' }), { kind: 'lookup', verb: 'Grep', target: 'TODO', detail: 'path src, output_mode content' });
    assert.deepEqual(toolView('Glob', { pattern: '**/*.ts' }), { kind: 'lookup', verb: 'Glob', target: '**/*.ts', detail: undefined });
    assert.deepEqual(toolView('LS', { path: '/w' }), { kind: 'lookup', verb: 'List', target: '/w', detail: undefined });
  });

  it('sums up any other tool, and a known tool whose input lacks the expected fields, in one line', () => {
    assert.deepEqual(toolView('mcp__orch__report_progress', { percent: 40, note: 'tests\npass' }), { kind: 'summary', title: 'orch: report progress', detail: 'percent 40 · note tests pass' });
    assert.deepEqual(toolView('TodoWrite', { todos: [{}, {}] }), { kind: 'summary', title: 'TodoWrite', detail: 'todos: 2 item(s)' });
    assert.deepEqual(toolView('Write', { file_path: 42 }), { kind: 'summary', title: 'Write', detail: 'file path 42' });
    assert.deepEqual(toolView('Edit', 'not an object'), { kind: 'summary', title: 'Edit', detail: undefined });
    assert.equal(toolView('MultiEdit', { file_path: 'a', edits: [{ old_string: 'a' }] }).kind, 'summary');
    assert.equal(toolTitle('mcp__my_server__do_it'), 'my_server: do it');
    const long = summaryDetail({ text: 'x'.repeat(500) });
    assert.equal(long?.length, 160);
    assert.ok(long?.endsWith('…'));
  });

  it('picks languages by extension, case-insensitively, and none for dotfiles or unknown ones', () => {
    const cases: Record<string, string | undefined> = {
      'a.TS': 'typescript', 'b.mjs': 'javascript', 'c.json': 'json', 'd.css': 'css', 'e.html': 'xml', 'f.md': 'markdown',
      'g.py': 'python', 'h.sh': 'bash', 'i.yml': 'yaml', 'j.go': 'go', 'k.rs': 'rust', 'dir.d/Makefile': undefined, '.bashrc': undefined, 'x.zig': undefined,
    };
    for (const [path, language] of Object.entries(cases)) assert.equal(languageOf(path), language, path);
  });
});

describe('webview tool calls: results paired with their calls', () => {
  it('gives each call its own result, and hides a result only when its call is on the page', () => {
    const log: Activity[] = [call('a'), { kind: 'text', text: 'hm' }, call('b'), result('b'), result('a'), result('zombie'), result('a', 'again')];
    const pairs = pairToolCalls(log);
    assert.equal(pairs.results.get('a'), log[4]);
    assert.equal(pairs.results.get('b'), log[3]);
    assert.equal(pairs.results.has('zombie'), false);
    assert.deepEqual(log.map((entry) => shownWithCall(pairs, entry, 0)), [false, false, false, true, true, false, false]);
    // The page starts after call "a": its result stands on its own.
    assert.deepEqual(log.map((entry) => shownWithCall(pairs, entry, 1)), [false, false, false, true, false, false, false]);
  });

  it('reads a Bash result\'s exit status from Claude Code\'s "Exit code N" line', () => {
    const failed = result('a', 'Exit code 3\nout\nerr', true);
    assert.equal(exitStatus(failed), 3);
    assert.equal(commandOutput(failed), 'out\nerr');
    assert.equal(exitStatus(result('a', '3 a.ts')), 0);
    assert.equal(exitStatus(result('a', 'Command timed out', true)), undefined);
    assert.equal(commandOutput(result('a', 'Exit code 30')), '');
    assert.equal(exitStatus(result('a', 'Exit code 1x', true)), undefined);
  });
});

describe('webview tool calls: diffs and highlighting', () => {
  it('turns old -> new into rows marked -, + and unchanged', () => {
    const rows = diffRows('a\nb\nc', 'a\nB\nB2\nc');
    assert.deepEqual(rows, [
      { sign: ' ', text: 'a' },
      { sign: '-', text: 'b' },
      { sign: '+', text: 'B' },
      { sign: '+', text: 'B2' },
      { sign: ' ', text: 'c' },
    ]);
    assert.deepEqual(diffCounts(rows), { added: 2, removed: 1 });
    assert.deepEqual(diffRows('', 'x\n'), [{ sign: '+', text: 'x' }]);
    assert.deepEqual(diffRows('same', 'same'), [{ sign: ' ', text: 'same' }]);
    // The last line kept is not shown as removed and re-added for lack of a newline after it.
    assert.deepEqual(diffRows('x\ny', 'x'), [{ sign: ' ', text: 'x' }, { sign: '-', text: 'y' }]);
  });

  it('highlights registered languages with the code escaped, and declines the others', () => {
    const html = highlightToHtml('<img src=x onerror="window.__xss=1">', 'xml') ?? '';
    assert.match(html, /class="hljs-/);
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /&lt;<span class="hljs-name">img<\/span>/);
    assert.match(highlightToHtml('const a = 1;', 'typescript') ?? '', /<span class="hljs-keyword">const<\/span>/);
    assert.equal(highlightToHtml('x', undefined), undefined);
    assert.equal(highlightToHtml('x', 'cobol'), undefined);
  });
});

describe('webview tool calls: paths', () => {
  it('shows a path inside a task worktree relative to it, any other path as it is', () => {
    assert.equal(displayPath('/home/me/proj/.orch/worktrees/PRD-1-T2/src/app.ts'), 'src/app.ts');
    assert.equal(displayPath('C:\\proj\\.orch\\worktrees\\PRD-1-T2\\a.txt'), 'a.txt');
    assert.equal(displayPath('/home/me/proj/src/app.ts'), '/home/me/proj/src/app.ts');
    assert.equal(displayPath('/p/.orch/worktrees/PRD-1-T2'), '/p/.orch/worktrees/PRD-1-T2');
  });
});
