// The @vscode-elements components the dashboard uses, each from its own module so the bundle
// carries no others. Lit styles them through adoptedStyleSheets, which the page's CSP allows
// without 'unsafe-inline'. Left out on purpose: vscode-collapsible (its header is a focusable
// div with no button role or aria-expanded, so <details> is more accessible), vscode-table (a
// grid of divs: no row or cell semantics, and no per-row card layout at 390 px), and
// vscode-single-select (the native <select> is accessible and themed by the page's CSS).
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
