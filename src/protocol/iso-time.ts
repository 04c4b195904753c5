// Order of ISO-8601 UTC times as Orch writes them (Date#toISOString: fixed width, so code-unit
// order is time order). Not localeCompare: the first locale comparison in a process loads ICU's
// collator, 10 to 15 ms of CPU, which a run otherwise never needs.

/** Negative when `a` is earlier, positive when later, 0 when the same. */
export function compareIsoTimes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
