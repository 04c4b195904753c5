// Command output as a terminal would show it, for a page: test runners and package managers
// colour their output (uvu, mocha, npm), and their escape sequences would otherwise show as
// stray `[1m`-style characters around every word.

// CSI sequences (colours, cursor moves), OSC sequences (titles, links) and the two-byte escapes.
const TERMINAL_CODES = new RegExp(String.raw`\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])`, 'g');

/** The text without terminal escape sequences. */
export function withoutTerminalCodes(text: string): string {
  return text.includes('\u001b') ? text.replace(TERMINAL_CODES, '') : text;
}
