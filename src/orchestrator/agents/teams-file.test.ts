import { strict as assert } from 'node:assert';
import { aliasBomb, nestedBlock, nestedFlow } from '../../../test/support/hostile-yaml';
import { InputError } from '../errors';
import { parseTeamsFile, setTeamInText } from './teams-file';

describe('parseTeamsFile', () => {
  it('reads teams with their members and lines', () => {
    const parsed = parseTeamsFile('core: [a, b]\nqa:\n  - c\n', 'teams.yaml');
    assert.deepEqual([...parsed.teams], [
      ['core', [{ name: 'a', line: 1 }, { name: 'b', line: 1 }]],
      ['qa', [{ name: 'c', line: 3 }]],
    ]);
    assert.deepEqual(parsed.issues, []);
  });

  it('refuses an alias bomb and nesting 4,000 deep as a whole, naming the file and line', () => {
    const cases: [string, number, RegExp][] = [
      [`core: [a]\n${aliasBomb().join('\n')}\n`, 3, /aliases would expand more than 100 times/],
      [`core: [a]\n${nestedBlock(4000).join('\n')}\n`, 2 + 64, /nested more than 64 levels deep/],
      [`core: [a]\n${nestedFlow(4000)}\n`, 2, /nested more than 64 levels deep/],
    ];
    for (const [text, line, message] of cases) {
      const parsed = parseTeamsFile(text, 'teams.yaml');
      assert.equal(parsed.teams.size, 0);
      assert.equal(parsed.issues.length, 1);
      assert.deepEqual([parsed.issues[0]?.file, parsed.issues[0]?.line], ['teams.yaml', line]);
      assert.match(parsed.issues[0]?.message ?? '', message);
    }
  });
});

describe('setTeamInText', () => {
  it('refuses to rewrite a file nested too deep, naming its line', () => {
    const text = `core: [a]\n${nestedBlock(4000).join('\n')}\n`;
    assert.throws(
      () => setTeamInText(text, 'teams.yaml', 'core', ['a', 'b']),
      (error: unknown) => error instanceof InputError && error.line === 2 + 64 && /nested more than 64 levels deep/.test(error.message),
    );
  });

  it('sets one team, keeping the others', () => {
    assert.equal(setTeamInText('# ours\ncore: [a]\nqa: [c]\n', 'teams.yaml', 'core', ['a', 'b']), '# ours\ncore: [ a, b ]\nqa: [ c ]\n');
  });
});
