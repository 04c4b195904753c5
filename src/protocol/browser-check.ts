// What a browser check may script: the engines it runs in, the window it runs at, and the steps a
// person would take on the page. Plain data, shared by the parser, the verifier and the dashboard.

export const BROWSER_ENGINES = ['chromium', 'firefox', 'webkit'] as const;
export type BrowserEngine = (typeof BROWSER_ENGINES)[number];

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

/** CSS selectors only: all three engines read them the same way. */
export type BrowserStep =
  | { readonly goto: string }
  | { readonly click: string }
  | { readonly fill: { readonly selector: string; readonly value: string } }
  | { readonly press: string }
  | { readonly expect: { readonly text?: string; readonly selector?: string } }
  | { readonly screenshot: string };

/** Keys a `press` step may name (besides any single character), as the drivers spell them. */
export const NAMED_KEYS = ['Enter', 'Tab', 'Escape', 'Backspace', 'Delete', 'Space', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'] as const;

/** One line naming a step the way its PRD wrote it: `click "#save"`. */
export function describeStep(step: BrowserStep): string {
  if ('goto' in step) return `goto ${JSON.stringify(step.goto)}`;
  if ('click' in step) return `click ${JSON.stringify(step.click)}`;
  if ('fill' in step) return `fill ${JSON.stringify(step.fill.selector)} with ${JSON.stringify(step.fill.value)}`;
  if ('press' in step) return `press ${step.press}`;
  if ('screenshot' in step) return `screenshot ${step.screenshot}`;
  const { text, selector } = step.expect;
  if (selector === undefined) return `expect text ${JSON.stringify(text)}`;
  return `expect ${JSON.stringify(selector)}${text === undefined ? '' : ` showing ${JSON.stringify(text)}`}`;
}
