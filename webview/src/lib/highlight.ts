import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

// Only the languages agents write most, registered by hand: the core with all of them is a
// fraction of highlight.js's full build, which bundles some 190 grammars.
const GRAMMARS = { bash, css, go, javascript, json, markdown, python, rust, typescript, xml, yaml };
for (const [name, grammar] of Object.entries(GRAMMARS)) hljs.registerLanguage(name, grammar);

/**
 * highlight.js's HTML for `code`: the code escaped, wrapped in `<span class="hljs-…">`. Undefined
 * for a language that is not registered, so the caller shows plain text. No DOM needed.
 */
export function highlightToHtml(code: string, language: string | undefined): string | undefined {
  if (language === undefined || hljs.getLanguage(language) === undefined) return undefined;
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

/**
 * Highlighted, sanitised HTML ready for `{@html}`: highlight.js escapes the code, and DOMPurify
 * then keeps nothing but spans and their classes, so a bug in one layer alone opens no hole.
 */
export function renderHighlighted(code: string, language: string | undefined): string | undefined {
  const html = highlightToHtml(code, language);
  return html === undefined ? undefined : DOMPurify.sanitize(html, { ALLOWED_TAGS: ['span'], ALLOWED_ATTR: ['class'] });
}
