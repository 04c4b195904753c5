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

  it('reads engines, a phone viewport and scripted steps', () => {
    const out = parse(
      [
        '      - browser:',
        '          url: http://127.0.0.1:5173/',
        '          browsers: [chromium, firefox, webkit]',
        '          viewport: { width: 390, height: 844 }',
        '          steps:',
        '            - click: "#save"',
        '            - fill: { selector: "#name", value: Ada }',
        '            - fill: { selector: "#age", value: 36 }',
        '            - press: Enter',
        '            - expect: Saved',
        '            - expect: { selector: "#status", text: ok }',
        '            - screenshot: after-save',
        '            - goto: other.html',
      ].join('\n'),
    );
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.verify, [
      {
        kind: 'browser',
        url: 'http://127.0.0.1:5173/',
        browsers: ['chromium', 'firefox', 'webkit'],
        viewport: { width: 390, height: 844 },
        steps: [
          { click: '#save' },
          { fill: { selector: '#name', value: 'Ada' } },
          { fill: { selector: '#age', value: '36' } },
          { press: 'Enter' },
          { expect: { text: 'Saved' } },
          { expect: { selector: '#status', text: 'ok' } },
          { screenshot: 'after-save' },
          { goto: 'other.html' },
        ],
      },
    ]);
  });

  it('names a bad engine, viewport or step at its line, with the step number', () => {
    const out = parse(
      [
        '      - browser:',
        '          url: http://x/',
        '          browsers: [chromium, safari]',
        '          viewport: { width: 39 }',
        '          steps:',
        '            - click: "#a"',
        '            - tap: "#b"',
        '            - press: Ctrl+Alt+Del',
        '            - fill: { selector: "#n" }',
        '            - expect: {}',
        '            - screenshot: "../up"',
        '            - { click: "#a", press: Enter }',
        '      - browser: { url: "http://x/", browsers: [], steps: [] }',
      ].join('\n'),
    );
    assert.deepEqual(out.errors, [
      "12: task T1: unknown browser engine 'safari'; the engines are chromium, firefox, webkit",
      "13: task T1: browser 'viewport' must be {width, height} in CSS pixels, each 200 to 4000; 'width' is number 39",
      "16: unknown key 'tap' in a browser step",
      '17: task T1: browser step 3: \'press\' must be one character or a key name (Enter, Tab, Escape, Backspace, Delete, Space, ArrowUp, ArrowDown, ArrowLeft, ArrowRight, Home, End, PageUp, PageDown), got \'Ctrl+Alt+Del\'',
      "18: missing task T1: browser step 4: fill 'value'",
      "19: task T1: browser step 5: 'expect' needs 'text', 'selector' or both",
      "20: task T1: browser step 6: 'screenshot' must be a name of letters, digits, '_' and '-' (it names the file), got '../up'",
      '21: task T1: browser step 7 must be a mapping with exactly one of goto, click, fill, press, expect, screenshot, got a mapping',
      "22: task T1: browser 'browsers' must be a non-empty list of chromium, firefox, webkit, got a list",
      "22: task T1: browser 'steps' must be a non-empty list, got a list",
    ]);
  });
});
