// Commands Orch prints for a person to paste into a shell: a temporary folder or an install path
// may hold spaces or quotes.
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
