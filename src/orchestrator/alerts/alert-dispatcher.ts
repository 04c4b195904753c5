import type { NewEvent, OrchEvent } from '../../protocol/events';
import { alertOf, type RaisedAlert } from '../../protocol/events-alerts';
import type { AlertWebhook } from '../config/orch-config';
import { alertBody } from './alert-payload';

export interface PostResult {
  readonly ok: boolean;
  /** Why it failed: the HTTP status or the network error. */
  readonly error?: string;
}

/** What sending needs from the outside world: tests give a short backoff, never a fake receiver. */
export interface AlertPorts {
  post(url: string, body: string, signal: AbortSignal): Promise<PostResult>;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** Waits between tries of one alert: 0.5 s, 1 s, 2 s, 4 s, then it gives up (five tries). */
const RETRY_DELAYS_MS: readonly number[] = [500, 1000, 2000, 4000];

interface Hook {
  readonly index: number;
  readonly config: AlertWebhook;
  readonly host: string;
  /** Deliveries to one webhook go in order: a run's `completed` never arrives before its `blocked`. */
  queue: Promise<void>;
  /** Gave up on an alert and has not taken one since: later alerts get one try, and no new warning. */
  down: boolean;
}

/**
 * Sends a run's alerts to the config's webhooks as the run's events happen, and records every
 * try as an event. A webhook that keeps failing raises one warning, then gets one try per alert
 * until it takes one again (and a later outage warns again).
 */
export class AlertDispatcher {
  private readonly hooks: Hook[];
  private readonly stop = new AbortController();

  constructor(
    webhooks: readonly AlertWebhook[],
    private readonly append: (event: NewEvent) => Promise<unknown>,
    private readonly ports: AlertPorts,
    private readonly workspace: string,
    private readonly delays: readonly number[] = RETRY_DELAYS_MS,
  ) {
    this.hooks = webhooks.map((config, index) => ({ index, config, host: hostOf(config.url), queue: Promise.resolve(), down: false }));
  }

  /** `only`: send to this webhook alone (an alert an earlier Orch left undelivered to it). */
  handle(event: OrchEvent, only?: number): void {
    if (this.stop.signal.aborted) return;
    const alert = alertOf(event);
    if (alert === undefined) return;
    for (const hook of this.hooks) {
      if (!hook.config.events.includes(alert.kind) || (only !== undefined && hook.index !== only)) continue;
      hook.queue = hook.queue.then(() => this.deliver(hook, alert, event)).catch(() => undefined);
    }
  }

  /**
   * Waits for the deliveries under way, for at most `graceMs`; the tries still waiting then stop,
   * each recorded as undelivered. Call before the log closes.
   */
  async drain(graceMs = 15_000): Promise<void> {
    const all = Promise.all(this.hooks.map((h) => h.queue));
    const timer = new AbortController();
    await Promise.race([all, this.ports.sleep(graceMs, timer.signal).catch(() => undefined)]);
    timer.abort();
    this.stop.abort();
    await all;
  }

  private async deliver(hook: Hook, alert: RaisedAlert, event: OrchEvent): Promise<void> {
    const target = { sourceSeq: event.seq, kind: alert.kind, webhook: hook.index, host: hook.host };
    const body = alertBody(hook.config.format, alert, event, this.workspace);
    const tries = hook.down ? 1 : this.delays.length + 1;
    for (let attempt = 1; attempt <= tries; attempt++) {
      const result = this.stop.signal.aborted ? { ok: false, error: 'not sent: the run ended' } : await this.ports.post(hook.config.url, body, this.stop.signal);
      if (result.ok) {
        hook.down = false;
        await this.append({ type: 'alert.delivered', ...target, attempts: attempt });
        return;
      }
      const retryInMs = attempt < tries && !this.stop.signal.aborted ? this.delays[attempt - 1] : undefined;
      await this.append({ type: 'alert.deliveryFailed', ...target, attempt, error: result.error ?? 'failed', ...(retryInMs === undefined ? {} : { retryInMs }) });
      if (retryInMs === undefined) break;
      await this.ports.sleep(retryInMs, this.stop.signal).catch(() => undefined);
    }
    if (!hook.down) {
      hook.down = true;
      await this.append({
        type: 'warning.raised',
        message: `alert webhook #${hook.index + 1} (${hook.host}) keeps failing: ${alert.kind} alert not delivered after ${tries} tries; later alerts get one try each, without retries, until it answers again`,
      });
    }
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}
