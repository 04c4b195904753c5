import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { markdownToHtml, safeHref } from '../../webview/src/lib/markdown';
import { cutMarkdown, textCut } from '../../webview/src/lib/text-cut';
import { CHROMIUM, launchChromium } from '../support/chromium';

const HOSTILE = {
  img: '<img src=x onerror=alert(1)>',
  script: 'before <script>alert(1)</script> after\n\n<script>\nalert(2)\n</script>',
  jsLink: '[click](javascript:alert(1)) and [tab](java\tscript:alert(2)) and <javascript:alert(3)>',
  eventAttr: '<a href="https://example.com" onclick="alert(1)">a</a> <div onmouseover="alert(2)">d</div>',
};

const NORMAL = '# Title\n\n## Steps\n\n- one\n- two\n\n1. first\n\n```ts\nconst ok = 1 < 2;\n```\n\nSee [the docs](https://example.com/docs "Docs"), `npm test` and <mailto:a@b.c>.';

describe('webview markdown: the renderer layer (no DOM)', () => {
  it('turns raw HTML into visible text: no tag, attribute or script survives', () => {
    assert.equal(markdownToHtml(HOSTILE.img), '<p>&lt;img src=x onerror=alert(1)&gt;</p>\n');
    const script = markdownToHtml(HOSTILE.script);
    assert.doesNotMatch(script, /<script/i);
    assert.match(script, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    const attrs = markdownToHtml(HOSTILE.eventAttr);
    assert.doesNotMatch(attrs, /<(a|div)\b[^>]*on\w+=/i);
    assert.match(attrs, /&lt;div onmouseover=&quot;alert\(2\)&quot;&gt;/);
  });

  it('drops javascript: links, keeping their text', () => {
    const html = markdownToHtml(HOSTILE.jsLink);
    assert.doesNotMatch(html, /href="?\s*java/i);
    assert.match(html, /click/);
    assert.equal(safeHref('javascript:alert(1)'), undefined);
    assert.equal(safeHref(' JaVa\nScRiPt:alert(1)'), undefined);
    assert.equal(safeHref('data:text/html,x'), undefined);
    assert.equal(safeHref('https://example.com'), 'https://example.com');
    assert.equal(safeHref('mailto:a@b.c'), 'mailto:a@b.c');
  });

  it('renders headings, lists, code and links, links opening apart from the page', () => {
    const html = markdownToHtml(NORMAL);
    assert.match(html, /<h3>Title<\/h3>/);
    assert.match(html, /<h4>Steps<\/h4>/);
    assert.match(html, /<ul>\n<li>one<\/li>\n<li>two<\/li>\n<\/ul>/);
    assert.match(html, /<ol>\n<li>first<\/li>/);
    assert.match(html, /<pre><code class="language-ts">const ok = 1 &lt; 2;\n<\/code><\/pre>/);
    assert.match(html, /<a href="https:\/\/example.com\/docs" title="Docs" target="_blank" rel="noopener noreferrer">the docs<\/a>/);
    assert.match(html, /<code>npm test<\/code>/);
    assert.match(html, /<a href="mailto:a@b.c" target="_blank" rel="noopener noreferrer">/);
  });
});

describe('webview markdown: the collapsed view of a long message', () => {
  it('cuts at the line limit and closes a code fence the cut left open', () => {
    const text = 'Intro\n\n```ts\nline 1\nline 2\nline 3\n```\n\nAfter';
    const cut = textCut(text, 1000, 4);
    assert.equal(text.slice(0, cut), 'Intro\n\n```ts\nline 1');
    const shown = cutMarkdown(text, cut);
    assert.equal(shown, 'Intro\n\n```ts\nline 1\n```\n\n…');
    assert.match(markdownToHtml(shown), /<pre><code class="language-ts">line 1\n<\/code><\/pre>\n<p>…<\/p>/);
    assert.equal(cutMarkdown('plain text', 5), 'plain\n\n…');
  });

  it('closes a tilde or a longer fence with its own marker, and ignores other markers inside it', () => {
    const whole = (text: string): string => cutMarkdown(text, text.length);
    const tilde = whole('~~~\ncode\n```\nstill code');
    assert.equal(tilde, '~~~\ncode\n```\nstill code\n~~~\n\n…');
    assert.match(markdownToHtml(tilde), /<\/code><\/pre>\n<p>…<\/p>/);
    const four = whole('````md\n```js\nx\n```\nstill code');
    assert.equal(four, '````md\n```js\nx\n```\nstill code\n````\n\n…');
    assert.match(markdownToHtml(four), /<p>…<\/p>/);
    assert.equal(whole('```\nx\n```\nafter'), '```\nx\n```\nafter\n\n…');
  });
});

// DOMPurify needs a real DOM: the full pipeline runs in Chromium, as in the dashboard.
describe('webview markdown: both layers in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let page: Page;
  const alerts: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    skipped: ${CHROMIUM} is missing`);
      this.skip();
    }
    const bundle = await build({
      stdin: { contents: "import { renderMarkdown } from './markdown'; (globalThis as any).renderMarkdown = renderMarkdown;", resolveDir: resolve(__dirname, '../../webview/src/lib'), loader: 'ts' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('dialog', (d) => {
      alerts.push(d.message());
      void d.dismiss();
    });
    await page.setContent('<!doctype html><main id="out"></main>');
    await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
    // Renders into the page and reports what a script or a handler could hook onto.
    await page.addScriptTag({
      content: `window.probe = async (md) => {
        const out = document.getElementById('out');
        out.innerHTML = window.renderMarkdown(md);
        await new Promise((r) => setTimeout(r, 50));
        const all = [...out.querySelectorAll('*')];
        return {
          html: out.innerHTML,
          text: out.textContent,
          handlers: all.filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
          scripts: out.querySelectorAll('script').length,
          images: out.querySelectorAll('img').length,
          hrefs: [...out.querySelectorAll('a')].map((a) => (a.getAttribute('href') ?? '(none)') + ' ' + a.target + ' ' + a.rel),
        };
      };`,
    });
  });
  after(async () => {
    await browser?.close();
    assert.deepEqual(alerts, [], 'a script from the Markdown ran');
  });

  interface Rendered {
    html: string;
    text: string;
    handlers: number;
    scripts: number;
    images: number;
    hrefs: string[];
  }
  async function render(markdown: string): Promise<Rendered> {
    return page.evaluate<Rendered>(`window.probe(${JSON.stringify(markdown)})`);
  }
  it('shows hostile HTML as text and leaves nothing that runs', async () => {
    const img = await render(HOSTILE.img);
    assert.equal(img.images, 0);
    assert.equal(img.text.trim(), HOSTILE.img);
    for (const markdown of Object.values(HOSTILE)) {
      const out = await render(markdown);
      assert.equal(out.handlers, 0, `an event attribute survived in ${out.html}`);
      assert.equal(out.scripts, 0, `a script survived in ${out.html}`);
      for (const href of out.hrefs) assert.match(href, /^(https?:|mailto:|\(none\))\S* _blank noopener noreferrer$/);
    }
    const script = await render(HOSTILE.script);
    assert.match(script.text, /<script>alert\(1\)<\/script>/);
  });

  it('keeps normal Markdown', async () => {
    const out = await render(NORMAL);
    assert.match(out.html, /<h3>Title<\/h3>/);
    assert.match(out.html, /<li>one<\/li>/);
    assert.match(out.html, /<pre><code>const ok = 1 &lt; 2;\n<\/code><\/pre>/);
    assert.deepEqual(out.hrefs, ['https://example.com/docs _blank noopener noreferrer', 'mailto:a@b.c _blank noopener noreferrer']);
  });
});
