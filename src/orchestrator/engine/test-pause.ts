import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Kill -9 tests need Orch stopped at a precise moment between two git steps. With
 * ORCH_TEST_PAUSE_AT=<point> or <point>@<text in the subject> (test-only; unset, this returns
 * at once) Orch writes `orch-paused-at-<point>` in `dir` and waits there for its killer.
 */
export async function pausePoint(point: string, dir: string, subject = ''): Promise<void> {
  const wanted = process.env.ORCH_TEST_PAUSE_AT;
  if (wanted === undefined) return;
  const at = wanted.indexOf('@');
  if ((at < 0 ? wanted : wanted.slice(0, at)) !== point || (at >= 0 && !subject.includes(wanted.slice(at + 1)))) return;
  writeFileSync(join(dir, `orch-paused-at-${point}`), `${process.pid}\n`);
  await sleep(120_000);
}
