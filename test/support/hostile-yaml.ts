// YAML a careless or hostile user could write, for the readers that must survive it.

/** Ten anchors, each a list of nine aliases of the one before: 9^9 values once expanded. */
export function aliasBomb(): string[] {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
  return lines;
}

/** `x: [[[...]]]` on one line. */
export function nestedFlow(depth: number): string {
  return `x: ${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** `x:` then one more indented key per line: a mapping `depth + 1` levels deep. */
export function nestedBlock(depth: number): string[] {
  return ['x:', ...Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 1)}a${i}:`)];
}
