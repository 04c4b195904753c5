import { strict as assert } from 'node:assert';
import { DEFAULT_PHASES } from '../../protocol/domain';
import { parsePrd } from './prd-parser';

/** A PRD with one task whose `verify:` list is `checks` (line 9 is the first check). */
function withChecks(checks: string): string {
  return ['---', 'id: P', 'milestone: "1.1"', 'title: t', 'tasks:', '  - id: T1', '    title: a', '    description: b', '    verify:', checks, '---', ''].join('\n');
}

function parse(checks: string): { errors: string[]; verify: unknown } {
  const parsed = parsePrd(withChecks(checks), 'p.md', DEFAULT_PHASES);
  for (const e of parsed.errors) assert.equal(e.file, 'p.md');
  return { errors: parsed.errors.map((e) => `${e.line ?? '?'}: ${e.message}`), verify: parsed.prd?.tasks[0]?.verify };
}

describe('PRD browser checks', () => {
  it('accepts the full shape, a worktree path and a dev server to start', () => {
    const out = parse(
      [
        '      - browser: { url: "http://127.0.0.1:5173/", expect: Dashboard, screenshot: true, timeout: 20 }',
        '      - browser: { url: dist/index.html#/about, expect: About }',
        '      - browser:',
        '          url: http://127.0.0.1:4173/',
        '          serve: npx vite preview --port 4173',
      ].join('\n'),
    );
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.verify, [
      { kind: 'browser', url: 'http://127.0.0.1:5173/', expect: 'Dashboard', screenshot: true, timeoutSec: 20 },
      { kind: 'browser', url: 'dist/index.html#/about', expect: 'About' },
      { kind: 'browser', url: 'http://127.0.0.1:4173/', serve: 'npx vite preview --port 4173' },
    ]);
  });

  it('rejects a missing url, a non-string expect, unknown keys and a misplaced timeout, each at its line', () => {
    const out = parse(
      [
        '      - browser: { expect: Dashboard }',
        '      - browser: { url: "http://x/", expect: [a, b] }',
        '      - browser: { url: "http://x/", wait: 3 }',
        '      - browser: { url: "http://x/" }',
        '        timeout: 5',
        '      - browser: { url: "http://x/", timeout: 0 }',
        '      - browser: http://x/',
      ].join('\n'),
    );
    assert.deepEqual(out.errors, [
      "10: missing task T1: browser 'url'",
      "11: task T1: browser 'expect' must be a non-empty string, got a list",
      "12: unknown key 'wait' in a browser check",
      "14: task T1: 'timeout' applies to a command check only; a browser check takes it inside its mapping: browser: {url, timeout}",
      "15: task T1: 'timeout' must be a positive number of seconds, got number 0",
      "16: task T1: verify 'browser' must be a mapping {url, expect?, screenshot?, timeout?, serve?}, got 'http://x/'",
    ]);
  });

  it('refuses urls that are neither http(s) nor a path inside the worktree', () => {
    const out = parse(
      [
        '      - browser: { url: "file:///etc/passwd" }',
        '      - browser: { url: /var/www/index.html }',
        '      - browser: { url: ../other/index.html }',
        '      - browser: { url: "localhost:5173" }',
        '      - browser: { url: dist/index.html, serve: npm run dev }',
      ].join('\n'),
    );
    const must = "must be an http:// or https:// URL or a relative path inside the task's worktree";
    assert.deepEqual(out.errors, [
      `10: task T1: browser 'url' ${must}, got 'file:///etc/passwd'`,
      `11: task T1: browser 'url' ${must}, got '/var/www/index.html'`,
      `12: task T1: browser 'url' ${must}, got '../other/index.html'`,
      `13: task T1: browser 'url' ${must}, got 'localhost:5173'`,
      "14: task T1: browser 'serve' needs an http:// or https:// 'url' to wait for, got 'dist/index.html'",
    ]);
  });
});
