// gitignore-syntax matching for `.worktreeinclude`. Git answers "is this ignored?" only with
// the repository's own rules mixed in, and its `--directory` listing of ignored folders is
// uneven, so the include file's patterns are matched here, with git's semantics: the last
// matching pattern wins, `!` negates, a trailing `/` matches folders only, a pattern with a
// `/` before its end is anchored at the root, and a matched folder takes everything in it.

interface Rule {
  readonly regex: RegExp;
  readonly negated: boolean;
  readonly dirOnly: boolean;
}

export interface PatternSet {
  /** `path` is relative to the root with `/` separators; `isDir` says whether it is a folder. */
  matches(path: string, isDir: boolean): boolean;
  readonly size: number;
}

export function parsePatterns(text: string): PatternSet {
  const rules = text.split(/\r?\n/).flatMap((line) => {
    const rule = parseLine(line);
    return rule === undefined ? [] : [rule];
  });
  const lastMatch = (path: string, isDir: boolean): Rule | undefined => {
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i]!;
      if (rule.dirOnly && !isDir) continue;
      if (rule.regex.test(path)) return rule;
    }
    return undefined;
  };
  return {
    size: rules.length,
    matches(path, isDir) {
      const parts = path.split('/').filter((p) => p.length > 0);
      // As in git, nothing inside a matched folder can be excluded again by a later `!` rule.
      for (let depth = 1; depth < parts.length; depth++) {
        const rule = lastMatch(parts.slice(0, depth).join('/'), true);
        if (rule !== undefined && !rule.negated) return true;
      }
      const rule = lastMatch(parts.join('/'), isDir);
      return rule !== undefined && !rule.negated;
    },
  };
}

function parseLine(raw: string): Rule | undefined {
  let line = raw.replace(/(?<!\\)\s+$/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  let negated = false;
  if (line.startsWith('!')) {
    negated = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
    line = line.slice(1);
  }
  let dirOnly = false;
  if (line.endsWith('/')) {
    dirOnly = true;
    line = line.slice(0, -1);
  }
  if (line === '') return undefined;
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const body = translate(line);
  return { regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`), negated, dirOnly };
}

function translate(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const before = i === 0 || glob[i - 1] === '/';
      const after = i + 2 === glob.length || glob[i + 2] === '/';
      if (before && after) {
        if (i + 2 === glob.length) {
          out += '.*';
        } else {
          // `**/`: zero or more whole folders.
          out += '(?:.*/)?';
          i += 1;
        }
        i += 1;
        continue;
      }
    }
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < glob.length) out += escape(glob[++i]!);
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let cls = glob.slice(i + 1, close);
      if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      out += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else out += escape(c);
  }
  return out;
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
