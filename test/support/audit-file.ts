// The audit entries of an action, read as a test sees them. The server logs a control action's
// outcome before its reply leaves (api-v1.test.ts checks that); the wait is for entries that other
// processes write, such as an `orch run` started by the dashboard.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface AuditLine {
  readonly action: string;
  readonly outcome: string;
  readonly target?: string;
}

/** The audit entries for `action`, once there are `count` of them (or whatever is there after `ms`). */
export async function auditEntriesOf(file: string, action: string, count: number, ms = 10_000): Promise<AuditLine[]> {
  const read = (): AuditLine[] => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as AuditLine)
      .filter((e) => e.action === action);
  };
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) {
    const entries = read();
    if (entries.length >= count) return entries;
  }
  return read();
}
