// One way to print an amount of money, so a budget reads the same in every place it appears.

/** A float's own error in a sum of cents (0.1 + 0.2) must not make a whole number of cents look fractional. */
const CENT_TOLERANCE = 1e-6;

/**
 * `$0.50`, `$12.34`, `$0.0040`: cents when they say it all (a whole number of cents, or a dollar
 * or more, where a fraction of a cent does not matter), else four decimals, so a budget under a
 * cent, like `--budget 0.004`, never prints as `$0.00`.
 */
export function formatMoney(usd: number): string {
  const cents = usd * 100;
  const whole = Math.abs(cents - Math.round(cents)) < CENT_TOLERANCE;
  return `$${whole || Math.abs(usd) >= 1 ? usd.toFixed(2) : usd.toFixed(4)}`;
}
