// The integration layer in parallel: mocha --parallel with two workers (ORCH_TEST_JOBS to change
// it), one test file per worker at a time. Most of these tests wait on the real claude CLI and
// the scripted model, so two files at once nearly halve the wall time on two cores. Every file
// owns its temp dirs, HOMEs, ports (0: the system picks) and process markers, so files cannot
// see each other's state or processes.
//
// mocha hands files to workers in the order given, so the slowest start first: otherwise the
// last one to start would run alone at the end. Any file not named below runs after them in name
// order. Extra arguments go to mocha (`node scripts/test-integration.mjs --grep resume`).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const DIR = join(ROOT, 'test', 'integration');

/** Slowest first, as measured on a loaded two-core machine; a stale list only costs balance. */
const SLOWEST = [
  'queue-crash-cancel.test.ts',
  'queue-workers.test.ts',
  'learning-estimate.test.ts',
  'routing-outcomes-resume.test.ts',
  'crash-resume.test.ts',
  'worktree-setup.test.ts',
  'workflow-engine.test.ts',
  'no-git-run.test.ts',
  'planning.test.ts',
  'environment-block.test.ts',
  'pause-resume.test.ts',
  'verify-browser.test.ts',
  'demo-cli.test.ts',
  'messages-crash.test.ts',
  'runner-retries.test.ts',
  'router-budget.test.ts',
  'results-cli.test.ts',
  'router-engine.test.ts',
  'status-after-crash.test.ts',
];

const all = readdirSync(DIR, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => file.split('\\').join('/'))
  .sort();
const rank = (file) => {
  const at = SLOWEST.indexOf(file);
  return at < 0 ? SLOWEST.length : at;
};
const ordered = [...all].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const jobs = process.env.ORCH_TEST_JOBS ?? '2';
if (!/^[1-9][0-9]*$/.test(jobs)) {
  console.error(`ORCH_TEST_JOBS must be a whole number of workers (1 or more), got ${JSON.stringify(jobs)}`);
  process.exit(2);
}

const mocha = join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
const args = [mocha, '--timeout', '60000', ...(jobs === '1' ? [] : ['--parallel', '--jobs', jobs]), ...process.argv.slice(2), ...ordered.map((file) => relative(ROOT, join(DIR, file)))];
const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal === null ? 1 : (constants.signals[signal] ?? 1))));
