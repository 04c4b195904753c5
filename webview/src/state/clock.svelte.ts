/** Seconds are the finest unit the page shows. */
const TICK_MS = 1000;

/**
 * The one clock the page's live durations read. It ticks only while told something runs, and
 * only the text that reads `now` updates on a tick: the rest of the page does not re-render.
 */
export class Clock {
  now = $state(Date.now());
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Starts or stops the tick; idempotent, so callers may call it after every update. */
  follow(ticking: boolean): void {
    if (ticking && this.timer === undefined) {
      this.now = Date.now();
      this.timer = setInterval(() => (this.now = Date.now()), TICK_MS);
    } else if (!ticking && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.now = Date.now();
    }
  }

  stop(): void {
    this.follow(false);
  }
}
