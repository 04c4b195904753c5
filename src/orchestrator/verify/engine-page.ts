// One page in one browser engine, as the browser check drives it. Each engine has its own driver
// (playwright for Chromium, puppeteer over WebDriver BiDi for Firefox, W3C WebDriver for WebKit);
// the check itself is written once, against this.
import type { BrowserEngine, Viewport } from '../../protocol/browser-check';

export interface EnginePage {
  readonly engine: BrowserEngine;
  /** The main document's HTTP status, undefined when the engine cannot tell. */
  goto(url: string, timeoutMs: number, waitUntil: 'load' | 'domcontentloaded'): Promise<number | undefined>;
  /** A script expression evaluated in the page; its value must be JSON. */
  evaluate(expression: string): Promise<unknown>;
  click(selector: string, timeoutMs: number): Promise<void>;
  fill(selector: string, value: string, timeoutMs: number): Promise<void>;
  /** A key name from NAMED_KEYS or one character, pressed on whatever has the focus. */
  press(key: string): Promise<void>;
  screenshot(path: string): Promise<void>;
  consoleErrors(): Promise<readonly string[]>;
  /** What this engine cannot give as evidence, said in the evidence log. */
  readonly limits: readonly string[];
  close(): Promise<void>;
}

/** Opens pages of one engine; the engine starts on first use and stops at `close`. */
export interface EngineLauncher {
  open(viewport: Viewport, signal?: AbortSignal): Promise<EnginePage>;
  close(): Promise<void>;
}

/** The engine is not installed or did not start: a fault of the machine, not of the work. */
export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
}

export const DEFAULT_VIEWPORT: Viewport = { width: 1280, height: 800 };

/** Playwright and puppeteer name the space bar by its character. */
export function driverKey(key: string): string {
  return key === 'Space' ? ' ' : key;
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

// A function, not an inline test: the compiler would take `aborted` for constant once checked.
export function cancelled(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
