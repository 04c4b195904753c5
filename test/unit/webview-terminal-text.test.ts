import { strict as assert } from 'node:assert';
import { withoutTerminalCodes } from '../../webview/src/lib/terminal-text';

describe('webview: command output without terminal codes', () => {
  it('drops the colours and cursor moves of a real test runner, keeping every character of the text', () => {
    // uvu's summary for clsx's suite, as `npm test 2>&1 | tail` hands it to the agent.
    const uvu = '\u001b[1m\u001b[4m\u001b[37mlite.js\u001b[22m\u001b[24m\u001b[39m\n\u001b[90m• \u001b[39m\u001b[32m  (5 / 5)\u001b[39m\n  Total:     32\u001b[32m\n  Passed:    32\u001b[39m\u001b[2K\u001b[1G';
    assert.equal(withoutTerminalCodes(uvu), 'lite.js\n•   (5 / 5)\n  Total:     32\n  Passed:    32');
  });

  it('drops a window title and a hyperlink, and leaves text without escapes as it is', () => {
    assert.equal(withoutTerminalCodes('\u001b]0;npm test\u0007done \u001b]8;;https://x.dev\u001b\\link\u001b]8;;\u001b\\'), 'done link');
    const plain = 'no [1m codes here, only brackets [39m';
    assert.equal(withoutTerminalCodes(plain), plain);
  });
});
