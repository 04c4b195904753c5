import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const PROTOCOL = resolve(__dirname, '../../src/protocol');
const EVENTS = join(PROTOCOL, 'events.ts');

/** Type-checks src/protocol/events.ts as `edit` rewrites it; returns the error messages. */
function compileEvents(edit: (source: string) => string): string[] {
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (resolve(file) === EVENTS ? edit(readFileSync(EVENTS, 'utf8')) : readFile(file));
  const program = ts.createProgram([EVENTS], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the event type list is checked by the compiler', function () {
  this.timeout(120_000);

  it('compiles as it is', () => {
    assert.deepEqual(compileEvents((s) => s), []);
  });

  it('fails when a new event type is not in the list', () => {
    const errors = compileEvents((s) => s.replace('export type OrchEvent =\n', "export type OrchEvent =\n  | Body<'task.invented', { readonly taskId: string }>\n"));
    assert.ok(errors.some((e) => /'"task.invented"' is missing/.test(e)), errors.join('\n'));
  });

  it('fails when the list names a type that is no event', () => {
    const errors = compileEvents((s) => s.replace("  'warning.raised': true,\n", "  'warning.raised': true,\n  'warning.invented': true,\n"));
    assert.ok(errors.some((e) => e.includes("'warning.invented'")), errors.join('\n'));
  });
});
