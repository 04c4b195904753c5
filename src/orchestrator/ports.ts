// The ports the core needs from its host. Adapters (CLI, extension, tests) pass implementations;
// the core never reaches for globals it could not replace in a test.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
