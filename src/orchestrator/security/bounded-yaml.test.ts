import { strict as assert } from 'node:assert';
import { LineCounter, parseDocument } from 'yaml';
import { aliasBomb, nestedBlock, nestedFlow } from '../../../test/support/hostile-yaml';
import { parseBoundedDocument, YAML_MAX_DEPTH } from './bounded-yaml';

/** The line the refusal points at. */
function lineOf(text: string, result: ReturnType<typeof parseBoundedDocument>): number {
  assert.equal(result.ok, false, 'the limit should have been exceeded');
  if (result.ok) return 0;
  return text.slice(0, result.exceeded.offset).split('\n').length;
}

describe('parseBoundedDocument', () => {
  it('reads what parseDocument reads when the file is within the limits, errors and lines included', () => {
    const texts = [
      'name: a\ntools: [Read, Grep]\nnested: {a: [1, {b: 2}]}\nbase: &b {x: 1}\nuse: *b\n',
      'a: [1, 2\nb: 3\n',
      'a: 1\na: 2\n',
      '---\na: 1\n---\nb: 2\n',
      nestedBlock(YAML_MAX_DEPTH - 1).join('\n'),
      nestedFlow(YAML_MAX_DEPTH - 1),
    ];
    for (const text of texts) {
      const counter = new LineCounter();
      const bounded = parseBoundedDocument(text, { lineCounter: counter });
      assert.ok(bounded.ok, text);
      const expected = parseDocument(text, { prettyErrors: false });
      assert.deepEqual(bounded.doc.toJS(), expected.toJS(), text);
      assert.deepEqual(bounded.doc.errors.map((e) => [e.code, e.pos]), expected.errors.map((e) => [e.code, e.pos]), text);
      for (const error of bounded.doc.errors) assert.equal(error.linePos?.[0].line, counter.linePos(error.pos[0]).line);
    }
  });

  it('refuses nesting deeper than the limit, at the line where it passes it, in block and flow style', () => {
    const block = nestedBlock(4000).join('\n');
    assert.equal(lineOf(block, parseBoundedDocument(block)), YAML_MAX_DEPTH + 1);
    const flow = `a: 1\n${nestedFlow(4000)}`;
    const result = parseBoundedDocument(flow);
    assert.equal(lineOf(flow, result), 2);
    assert.match(result.ok ? '' : result.exceeded.message, /nested more than 64 levels deep/);
    const sequences = `${'- '.repeat(5000)}x`;
    assert.equal(lineOf(sequences, parseBoundedDocument(sequences)), 1);
  });

  it('refuses an alias bomb at its first alias, and an alias with no anchor', () => {
    const bomb = ['name: bomb', ...aliasBomb()].join('\n');
    const result = parseBoundedDocument(bomb);
    assert.equal(lineOf(bomb, result), 3);
    assert.match(result.ok ? '' : result.exceeded.message, /aliases would expand more than 100 times/);
    const dangling = 'a: "*not an alias"\nb: 1\nc: [*nope]\n';
    const unresolved = parseBoundedDocument(dangling);
    assert.equal(lineOf(dangling, unresolved), 3);
    assert.match(unresolved.ok ? '' : unresolved.exceeded.message, /the alias \*nope has no anchor &nope before it/);
  });

  it('refuses an alias inside its own anchor, which would make data that contains itself', () => {
    for (const text of ['a: 1\nb: &b\n  c: *b\n', 'a: 1\nb: &b [1, [*b]]\n']) {
      const result = parseBoundedDocument(text);
      assert.equal(lineOf(text, result), text.startsWith('a: 1\nb: &b\n') ? 3 : 2);
      assert.match(result.ok ? '' : result.exceeded.message, /^the alias \*b is inside its own anchor &b/);
    }
    assert.ok(parseBoundedDocument('a: &a [1]\nb: [*a, *a]\n').ok);
  });
});
