// Listens to the run's log for what adaptive parallelism reacts to: 429 and 529 answers (the
// runner's retries, and attempts that ended on them) and attempts that succeeded. The engine
// drains it once per dispatch round; `changed()` wakes the round when pressure appears, so a
// back-off is decided within moments of the first 429 rather than when some attempt ends.

import type { OrchEvent } from '../../protocol/events';
import type { Pressure } from './parallelism';

export class PressureWatch {
  private pressure: Pressure[] = [];
  /** Attempts started since the last back-off; undefined before the first one (all are new). */
  private startedSince: Set<string> | undefined;
  private successes = 0;
  private wake: (() => void) | undefined;
  private waiting: Promise<void> | undefined;

  /** Feed it every event the log appends. */
  readonly listener = (event: OrchEvent): void => {
    if (event.type === 'attempt.started') this.startedSince?.add(event.attemptId);
    else if (event.type === 'attempt.activity' && event.activity.kind === 'retry') {
      const status = event.activity.errorStatus;
      if (status === 429 || status === 529) this.push(event.attemptId, status);
    } else if (event.type === 'attempt.finished') {
      if (event.outcome === 'succeeded') this.successes += 1;
      else if (event.failure === 'rate-limited' || event.failure === 'overloaded') this.push(event.attemptId, event.failure === 'rate-limited' ? 429 : 529);
    }
  };

  /** What was seen since the last drain. */
  drain(): { readonly pressure: readonly Pressure[]; readonly successes: number } {
    const seen = { pressure: this.pressure, successes: this.successes };
    this.pressure = [];
    this.successes = 0;
    return seen;
  }

  /**
   * The limit was just halved: the attempts already running started under the old one, so
   * their 429s from now on are the same burst, not news about the new limit.
   */
  backedOff(): void {
    this.startedSince = new Set();
  }

  /** Resolves when pressure is next seen. */
  changed(): Promise<void> {
    this.waiting ??= new Promise<void>((resolve) => (this.wake = resolve));
    return this.waiting;
  }

  private push(attemptId: string, status: 429 | 529): void {
    this.pressure.push({ kind: 'rate-limited', attemptId, status, fresh: this.startedSince?.has(attemptId) ?? true });
    const wake = this.wake;
    this.wake = undefined;
    this.waiting = undefined;
    wake?.();
  }
}
