// The server appends an action's outcome to the audit log just after its reply is sent, so a test
// that acts on the reply waits for that line rather than reading the file at once.
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
