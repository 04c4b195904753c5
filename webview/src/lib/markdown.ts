import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';

// Agent output is untrusted. Two independent layers stand between it and the page: marked's
// renderer never emits the Markdown's own HTML (it becomes visible text) nor a link or image
// with a scheme other than http(s)/mailto, and DOMPurify then removes anything that slipped
// through, so a bug in one layer alone does not open a hole.

const SAFE_HREF = /^(https?:|mailto:)/i;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** The href to keep, or undefined when the link must become plain text. */
export function safeHref(href: string): string | undefined {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
  const compact = [...href].filter((c) => c.charCodeAt(0) > 0x20 && c.charCodeAt(0) !== 0x7f).join('');
  return SAFE_HREF.test(compact) ? href.trim() : undefined;
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      const text = escapeHtml(token.text);
      return token.block ? `<p>${text}</p>\n` : text;
    },
    link({ href, title, tokens }: Tokens.Link): string {
      const inner = this.parser.parseInline(tokens);
      const kept = safeHref(href);
      if (kept === undefined) return inner;
      const titleAttr = title === null || title === undefined ? '' : ` title="${escapeHtml(title)}"`;
      return `<a href="${escapeHtml(kept)}"${titleAttr} target="_blank" rel="noopener noreferrer">${inner}</a>`;
    },
    // The agent's headings sit under the page's own h1 and section h2: start them at h3 so
    // they never pose as a page or section title.
    heading({ tokens, depth }: Tokens.Heading): string {
      const level = Math.min(6, depth + 2);
      return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
    },
    // An image would load a URL the agent chose; show what it points at instead.
    image({ href, text }: Tokens.Image): string {
      const kept = safeHref(href);
      const label = escapeHtml(text === '' ? 'image' : text);
      return kept === undefined ? `[${label}]` : `<a href="${escapeHtml(kept)}" target="_blank" rel="noopener noreferrer">[${label}]</a>`;
    },
  },
});

/** Markdown to HTML with the agent's raw HTML escaped and unsafe links dropped; no DOM needed. */
export function markdownToHtml(text: string): string {
  return marked.parse(text, { async: false });
}

let hooked = false;

/** Markdown to sanitised HTML, ready for `{@html}`: both layers. Needs a DOM (the page). */
export function renderMarkdown(text: string): string {
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName !== 'A') return;
      const href = node.getAttribute('href');
      if (href === null || safeHref(href) === undefined) node.removeAttribute('href');
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    });
  }
  return DOMPurify.sanitize(markdownToHtml(text), {
    ALLOWED_TAGS: ['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'input'],
    ALLOWED_ATTR: ['href', 'title', 'target', 'rel', 'start', 'type', 'checked', 'disabled', 'align'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  });
}
