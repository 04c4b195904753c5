// Browser-check time per engine: one check (load, expect, a click-then-expect flow and the
// screenshots) run through verifyChecks in Chromium, Firefox and WebKit, each on its own (cold: the
// engine starts inside the check) and then the three side by side, as a check naming all three runs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyChecks } from '../src/orchestrator/engine/verify-task';
import type { BrowserEngine } from '../src/protocol/browser-check';
import type { VerifyCheck } from '../src/protocol/domain';
import { missingEngines } from '../test/support/browser-engines';
import { percentile } from './stats';

const PAGE = `<!doctype html><h1>Counter</h1><p>Count: <span id="count">0</span></p>
<button id="plus" onclick="document.getElementById('count').textContent = String(Number(document.getElementById('count').textContent) + 1)">+1</button>`;
const ROUNDS = 3;

function check(browsers: BrowserEngine[]): VerifyCheck {
  return { kind: 'browser', url: 'site/index.html', expect: 'Counter', browsers, steps: [{ click: '#plus' }, { expect: { selector: '#count', text: '1' } }] };
}

export async function bench(): Promise<void> {
  const missing = missingEngines();
  if (missing !== undefined) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-browsers-'));
  try {
    const cwd = join(dir, 'worktree');
    mkdirSync(join(cwd, 'site'), { recursive: true });
    writeFileSync(join(cwd, 'site', 'index.html'), PAGE);
    const rows: [string, number[], number[]][] = [];
    for (const engines of [['chromium'], ['firefox'], ['webkit'], ['chromium', 'firefox', 'webkit']] as BrowserEngine[][]) {
      const wall: number[] = [];
      const inPage: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const started = performance.now();
        const results = await verifyChecks([check(engines)], { cwd, evidenceDir: join(dir, 'evidence'), evidencePrefix: `${engines.join('-')}-${round}`, defaultCommandTimeoutSec: 30 });
        wall.push(performance.now() - started);
        const failed = results.find((r) => !r.passed);
        if (failed !== undefined) throw new Error(`${failed.check} failed: ${failed.detail}`);
        inPage.push(Math.max(...results.map((r) => r.browser?.ms ?? 0)));
      }
      rows.push([engines.join(' + '), wall, inPage]);
    }
    console.log(`browser check (load, expect, click, expect, screenshots), ${ROUNDS} rounds each, engine started cold per check:`);
    console.log('engines                     check p50     p100   of which in the engine p50');
    for (const [name, wall, inPage] of rows) {
      console.log(`${name.padEnd(26)} ${fmt(percentile(wall, 50))} ${fmt(percentile(wall, 100))}   ${fmt(percentile(inPage, 50))}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`.padStart(8);
}
