// The run's one request gate (request-rate.ts holds its logic): the runner asks it before each
// try of the claude CLI and tells it how the try went. Tries wait in the order they asked, so
// an attempt that has waited longest goes first; each change of pace is a `run.adapted` event.

import type { AdaptationBody } from '../../protocol/events-adapt';
import type { Clock } from '../ports';
import type { PaceTicket, RequestPace } from '../runner/attempt-request';
import { DEFAULT_RATE_SETTINGS, granted, initialRate, rateLimited, succeeded, waitMs, type RateChange, type RateSettings, type RateState } from './request-rate';

interface Waiter {
  readonly resolve: (ticket: PaceTicket | undefined) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

export interface PacerPorts {
  readonly clock: Clock;
  readonly log: (adaptation: AdaptationBody) => Promise<unknown>;
  readonly settings?: RateSettings;
}

export class RequestPacer implements RequestPace {
  private state: RateState = initialRate();
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly settings: RateSettings;

  constructor(private readonly ports: PacerPorts) {
    this.settings = ports.settings ?? DEFAULT_RATE_SETTINGS;
  }

  acquire(signal: AbortSignal | undefined): Promise<PaceTicket | undefined> {
    if (signal?.aborted === true) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        signal,
        onAbort: () => {
          const at = this.queue.indexOf(waiter);
          if (at >= 0) this.queue.splice(at, 1);
          resolve(undefined);
          this.pump();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  limited(ticket: PaceTicket, retryAfterSec: number | undefined): void {
    // A 429 without a retry-after still means the quota is spent: wait a second at least.
    this.apply(rateLimited(this.state, { grantedAt: ticket.grantedAt, retryAfterMs: Math.max(1, retryAfterSec ?? 1) * 1000 }, this.now(), this.settings));
  }

  done(_ticket: PaceTicket, ok: boolean): void {
    if (ok) this.apply(succeeded(this.state, this.now(), this.settings));
  }

  /** A storm is on: the pace holds tries back. */
  get limiting(): boolean {
    return this.state.perMin !== undefined;
  }

  waitMs(): number {
    return waitMs(this.state, this.now());
  }

  private apply(step: { readonly state: RateState; readonly change?: RateChange }): void {
    this.state = step.state;
    // A log that cannot be written fails the run elsewhere, visibly; the pace goes on.
    if (step.change !== undefined) void this.ports.log({ kind: 'request-rate', ...step.change }).catch(() => undefined);
    this.pump();
  }

  /** Lets through the head of the queue when its time has come, else wakes when it will. */
  private pump(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      const head = this.queue[0];
      if (head === undefined) return;
      const now = this.now();
      const wait = waitMs(this.state, now);
      if (wait > 0) {
        this.timer = setTimeout(() => this.pump(), wait);
        return;
      }
      this.queue.shift();
      head.signal?.removeEventListener('abort', head.onAbort);
      this.state = granted(this.state, now, this.settings);
      head.resolve({ grantedAt: now });
    }
  }

  private now(): number {
    return this.ports.clock.now().getTime();
  }
}
