import type { BrowserEngine, Viewport } from './browser-check';

/** One scripted step of a browser check as it went in one engine. */
export interface BrowserStepResult {
  /** 1-based, as a person counts the PRD's list. */
  readonly index: number;
  /** The step as its PRD wrote it: `click "#save"`. */
  readonly step: string;
  readonly passed: boolean;
  readonly detail: string;
  readonly ms: number;
  /** The page after the step (a frame of the check's sequence); on a failure, the page as it failed. */
  readonly screenshot?: string;
}

/** What one engine saw of one browser check: the evidence behind its CheckResult. */
export interface BrowserEvidence {
  readonly engine: BrowserEngine;
  /** The engine could not run here (not installed, did not start): no verdict on the work. */
  readonly unavailable?: true;
  readonly status?: number;
  readonly consoleErrors: readonly string[];
  /** The start of the page's visible text at the end of the check. */
  readonly text: string;
  readonly screenshot?: string;
  readonly viewport?: Viewport;
  readonly steps: readonly BrowserStepResult[];
  /** The full log: status, console errors, steps, visible text. */
  readonly log?: string;
  readonly ms: number;
}
