// The `browser` check of a PRD's verify list: the page, and optionally the engines, the window and
// the steps a person would take on it. Every mistake is reported at its line.
import { BROWSER_ENGINES, NAMED_KEYS, type BrowserEngine, type BrowserStep, type Viewport } from '../../protocol/browser-check';
import type { VerifyCheck } from '../../protocol/domain';
import { describe, type YamlReader } from './yaml-reader';

type Entry = { key: unknown; value: unknown } | undefined;
type ReadSeconds = (r: YamlReader, entry: { key: unknown; value: unknown }, where: string) => number | undefined;

const BROWSER_KEYS = ['url', 'expect', 'screenshot', 'timeout', 'serve', 'browsers', 'viewport', 'steps'] as const;
const STEP_KINDS = ['goto', 'click', 'fill', 'press', 'expect', 'screenshot'] as const;
const STEP_HINT = 'a step is one of {goto: URL}, {click: SELECTOR}, {fill: {selector, value}}, {press: KEY}, {expect: TEXT}, {expect: {text?, selector?}}, {screenshot: NAME}';
const HTTP_URL = /^https?:\/\//i;
const SHOT_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Smaller than any phone, larger than any screen: outside this it is a typo. */
const VIEWPORT_MIN = 200;
const VIEWPORT_MAX = 4000;

export function readBrowser(r: YamlReader, entry: Entry, where: string, readSeconds: ReadSeconds): VerifyCheck | undefined {
  const map = r.map(entry?.value);
  if (entry === undefined || map === undefined) {
    r.error(`${where}: verify 'browser' must be a mapping {url, expect?, screenshot?, timeout?, serve?}, got ${describe(entry?.value)}`, entry?.value, undefined, r.lineOf(entry?.key));
    return undefined;
  }
  const fields = r.entries(map, BROWSER_KEYS, 'a browser check');
  const urlEntry = fields.get('url');
  const url = urlEntry === undefined ? missing(r, `${where}: browser 'url'`, map) : readUrl(r, urlEntry, where);
  const expect = text(r, fields.get('expect'), `${where}: browser 'expect'`);
  const shot = fields.get('screenshot');
  const screenshot = shot === undefined ? undefined : r.scalar(shot.value);
  if (shot !== undefined && typeof screenshot !== 'boolean') {
    r.error(`${where}: browser 'screenshot' must be true or false, got ${describe(shot.value)}`, shot.value, undefined, r.lineOf(shot.key));
  }
  const timeout = fields.get('timeout');
  const timeoutSec = timeout === undefined ? undefined : readSeconds(r, timeout, where);
  const serveEntry = fields.get('serve');
  const serve = text(r, serveEntry, `${where}: browser 'serve'`);
  if (serve !== undefined && url !== undefined && !HTTP_URL.test(url)) {
    r.error(`${where}: browser 'serve' needs an http:// or https:// 'url' to wait for, got '${url}'`, serveEntry?.key);
  }
  const browsers = readEngines(r, fields.get('browsers'), where);
  const viewport = readViewport(r, fields.get('viewport'), where);
  const steps = readSteps(r, fields.get('steps'), where);
  if (url === undefined) return undefined;
  return {
    kind: 'browser',
    url,
    ...(expect === undefined ? {} : { expect }),
    ...(typeof screenshot === 'boolean' ? { screenshot } : {}),
    ...(timeoutSec === undefined ? {} : { timeoutSec }),
    ...(serve === undefined ? {} : { serve }),
    ...(browsers === undefined ? {} : { browsers }),
    ...(viewport === undefined ? {} : { viewport }),
    ...(steps === undefined ? {} : { steps }),
  };
}

function missing(r: YamlReader, name: string, parent: unknown): undefined {
  r.error(`missing ${name}`, parent);
  return undefined;
}

function text(r: YamlReader, entry: Entry, name: string): string | undefined {
  if (entry === undefined) return undefined;
  const value = r.text(entry.value);
  if (value === undefined) r.error(`${name} must be a non-empty string, got ${describe(entry.value)}`, entry.value, undefined, r.lineOf(entry.key));
  return value;
}

/** An http(s) URL, or a relative path that the check opens as a file in the task's worktree. */
function readUrl(r: YamlReader, entry: { key: unknown; value: unknown }, where: string): string | undefined {
  const url = text(r, entry, `${where}: browser 'url'`);
  if (url === undefined || HTTP_URL.test(url)) return url;
  if (!insideWorktree(url)) {
    r.error(`${where}: browser 'url' must be an http:// or https:// URL or a relative path inside the task's worktree, got '${url}'`, entry.value);
    return undefined;
  }
  return url;
}

function insideWorktree(url: string): boolean {
  const path = url.split(/[?#]/)[0] ?? '';
  return !(/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) || /^[/\\]/.test(path) || path.split(/[/\\]/).includes('..'));
}

function readEngines(r: YamlReader, entry: Entry, where: string): BrowserEngine[] | undefined {
  if (entry === undefined) return undefined;
  const items = r.seq(entry.value);
  if (items === undefined || items.length === 0) {
    r.error(`${where}: browser 'browsers' must be a non-empty list of ${BROWSER_ENGINES.join(', ')}, got ${describe(entry.value)}`, entry.value, undefined, r.lineOf(entry.key));
    return undefined;
  }
  const engines: BrowserEngine[] = [];
  for (const item of items) {
    const name = r.scalar(item);
    if (typeof name !== 'string' || !(BROWSER_ENGINES as readonly string[]).includes(name)) {
      r.error(`${where}: unknown browser engine ${describe(item)}; the engines are ${BROWSER_ENGINES.join(', ')}`, item, undefined, r.lineOf(entry.key));
      return undefined;
    }
    if (engines.includes(name as BrowserEngine)) {
      r.error(`${where}: browser engine '${name}' is listed twice`, item, undefined, r.lineOf(entry.key));
      return undefined;
    }
    engines.push(name as BrowserEngine);
  }
  return engines;
}

function readViewport(r: YamlReader, entry: Entry, where: string): Viewport | undefined {
  if (entry === undefined) return undefined;
  const map = r.map(entry.value);
  const shape = `${where}: browser 'viewport' must be {width, height} in CSS pixels, each ${VIEWPORT_MIN} to ${VIEWPORT_MAX}`;
  if (map === undefined) {
    r.error(`${shape}, got ${describe(entry.value)}`, entry.value, undefined, r.lineOf(entry.key));
    return undefined;
  }
  const fields = r.entries(map, ['width', 'height'], 'a browser viewport');
  const size: Partial<Record<'width' | 'height', number>> = {};
  for (const side of ['width', 'height'] as const) {
    const found = fields.get(side);
    const value = found === undefined ? undefined : r.scalar(found.value);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < VIEWPORT_MIN || value > VIEWPORT_MAX) {
      r.error(`${shape}; '${side}' is ${found === undefined ? 'missing' : describe(found.value)}`, found?.value ?? map, undefined, r.lineOf(entry.key));
      return undefined;
    }
    size[side] = value;
  }
  return { width: size.width!, height: size.height! };
}

function readSteps(r: YamlReader, entry: Entry, where: string): BrowserStep[] | undefined {
  if (entry === undefined) return undefined;
  const items = r.seq(entry.value);
  if (items === undefined || items.length === 0) {
    r.error(`${where}: browser 'steps' must be a non-empty list, got ${describe(entry.value)}`, entry.value, STEP_HINT, r.lineOf(entry.key));
    return undefined;
  }
  const steps: BrowserStep[] = [];
  let broken = false;
  for (const [index, item] of items.entries()) {
    const step = readStep(r, item, `${where}: browser step ${index + 1}`, r.lineOf(entry.key));
    if (step === undefined) broken = true;
    else steps.push(step);
  }
  return broken ? undefined : steps;
}

function readStep(r: YamlReader, item: unknown, where: string, fallbackLine: number): BrowserStep | undefined {
  const map = r.map(item);
  if (map?.items.length !== 1) {
    r.error(`${where} must be a mapping with exactly one of ${STEP_KINDS.join(', ')}, got ${describe(item)}`, item, STEP_HINT, fallbackLine);
    return undefined;
  }
  const fields = r.entries(map, STEP_KINDS, 'a browser step');
  const [kind, entry] = [...fields.entries()][0] ?? [];
  if (kind === undefined || entry === undefined) return undefined;
  const line = r.lineOf(entry.key, fallbackLine);
  switch (kind) {
    case 'goto': {
      const url = text(r, entry, `${where}: 'goto'`);
      if (url !== undefined && !HTTP_URL.test(url) && !insideWorktree(url)) {
        r.error(`${where}: 'goto' must be an http:// or https:// URL or a relative path, got '${url}'`, entry.value, undefined, line);
        return undefined;
      }
      return url === undefined ? undefined : { goto: url };
    }
    case 'click': {
      const selector = text(r, entry, `${where}: 'click' (a CSS selector)`);
      return selector === undefined ? undefined : { click: selector };
    }
    case 'press':
      return readPress(r, entry, where, line);
    case 'screenshot': {
      const name = r.scalar(entry.value);
      if (typeof name !== 'string' || !SHOT_NAME.test(name)) {
        r.error(`${where}: 'screenshot' must be a name of letters, digits, '_' and '-' (it names the file), got ${describe(entry.value)}`, entry.value, undefined, line);
        return undefined;
      }
      return { screenshot: name };
    }
    case 'fill':
      return readFill(r, entry, where, line);
    default:
      return readExpect(r, entry, where, line);
  }
}

function readPress(r: YamlReader, entry: { key: unknown; value: unknown }, where: string, line: number): BrowserStep | undefined {
  const key = r.scalar(entry.value);
  if (typeof key === 'string' && ([...key].length === 1 || (NAMED_KEYS as readonly string[]).includes(key))) return { press: key };
  r.error(`${where}: 'press' must be one character or a key name (${NAMED_KEYS.join(', ')}), got ${describe(entry.value)}`, entry.value, undefined, line);
  return undefined;
}

function readFill(r: YamlReader, entry: { key: unknown; value: unknown }, where: string, line: number): BrowserStep | undefined {
  const map = r.map(entry.value);
  if (map === undefined) {
    r.error(`${where}: 'fill' must be {selector, value}, got ${describe(entry.value)}`, entry.value, undefined, line);
    return undefined;
  }
  const fields = r.entries(map, ['selector', 'value'], 'a fill step');
  const selector = fields.has('selector') ? text(r, fields.get('selector'), `${where}: fill 'selector'`) : missing(r, `${where}: fill 'selector'`, map);
  const raw = fields.get('value');
  // An empty value clears a field, and numbers are typed as written.
  const value = raw === undefined ? undefined : r.scalar(raw.value);
  const typed = typeof value === 'string' ? value : typeof value === 'number' ? (r.text(raw?.value, { numbers: true }) ?? String(value)) : undefined;
  if (raw === undefined) missing(r, `${where}: fill 'value'`, map);
  else if (typed === undefined) r.error(`${where}: fill 'value' must be a string, got ${describe(raw.value)}`, raw.value, undefined, r.lineOf(raw.key));
  return selector === undefined || typed === undefined ? undefined : { fill: { selector, value: typed } };
}

function readExpect(r: YamlReader, entry: { key: unknown; value: unknown }, where: string, line: number): BrowserStep | undefined {
  const plain = r.text(entry.value);
  if (plain !== undefined) return { expect: { text: plain } };
  const map = r.map(entry.value);
  if (map === undefined) {
    r.error(`${where}: 'expect' must be the text to see, or {text?, selector?}, got ${describe(entry.value)}`, entry.value, undefined, line);
    return undefined;
  }
  const fields = r.entries(map, ['text', 'selector'], 'an expect step');
  const expected = text(r, fields.get('text'), `${where}: expect 'text'`);
  const selector = text(r, fields.get('selector'), `${where}: expect 'selector'`);
  if (!fields.has('text') && !fields.has('selector')) {
    r.error(`${where}: 'expect' needs 'text', 'selector' or both`, entry.value, undefined, line);
    return undefined;
  }
  if ((fields.has('text') && expected === undefined) || (fields.has('selector') && selector === undefined)) return undefined;
  return { expect: { ...(expected === undefined ? {} : { text: expected }), ...(selector === undefined ? {} : { selector }) } };
}
