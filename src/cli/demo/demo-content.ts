// What the scripted "agents" of `orch demo` write. Real, working files, so the demo's checks
// (and a curious user running `node --test` on the result) see genuine work.

const known: Readonly<Record<string, string>> = {
  'src/greeting.js': `'use strict';

/** Returns "Hello, NAME!"; an empty or missing name greets the world. */
function greet(name) {
  const who = typeof name === 'string' && name.trim() !== '' ? name.trim() : 'world';
  return \`Hello, \${who}!\`;
}

module.exports = { greet };
`,
  'src/farewell.js': `'use strict';

/** Returns "Goodbye, NAME!"; an empty or missing name bids the world farewell. */
function farewell(name) {
  const who = typeof name === 'string' && name.trim() !== '' ? name.trim() : 'world';
  return \`Goodbye, \${who}!\`;
}

module.exports = { farewell };
`,
  'test/greeting.test.js': `'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { greet } = require('../src/greeting.js');
const { farewell } = require('../src/farewell.js');

test('greet names the person', () => assert.strictEqual(greet('Ada'), 'Hello, Ada!'));
test('greet with an empty name greets the world', () => assert.strictEqual(greet(''), 'Hello, world!'));
test('farewell names the person', () => assert.strictEqual(farewell('Ada'), 'Goodbye, Ada!'));
test('farewell with an empty name bids the world farewell', () => assert.strictEqual(farewell(''), 'Goodbye, world!'));
`,
};

export function demoContent(path: string, taskTitle: string): string {
  const content = known[path];
  if (content !== undefined) return content;
  return `# ${taskTitle}\n\nWritten by a scripted agent in \`orch demo\` (no real model was called).\n\n- ${path}\n`;
}
