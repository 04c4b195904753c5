import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Kill -9 tests need Orch stopped at a precise moment between two git steps. With
 * ORCH_TEST_PAUSE_AT=<point> (test-only; unset, this returns at once) Orch writes
 * `orch-paused-at-<point>` in `dir` and waits there for its killer.
 */
export async function pausePoint(point: string, dir: string): Promise<void> {
  if (process.env.ORCH_TEST_PAUSE_AT !== point) return;
  writeFileSync(join(dir, `orch-paused-at-${point}`), `${process.pid}\n`);
  await sleep(120_000);
}
