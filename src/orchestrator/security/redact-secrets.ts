// Secrets Orch knows (the keys in its own environment) must not reach what it writes and serves:
// a check such as `env`, or an agent that prints a variable, would otherwise put them into
// evidence files, the event log, and from there the dashboard's API.

/** Names that hold credentials by convention: API keys, tokens, secrets, passwords. */
const SECRET_NAME = /(?:^|_)(?:API_?KEY|AUTH_TOKEN|OAUTH_TOKEN|ACCESS_TOKEN|TOKEN|SECRET|SECRET_KEY|PASSWORD|PASSWD|CREDENTIALS?)$/i;

/** Shorter values would match ordinary text; no real key is this short. */
const MIN_SECRET_LENGTH = 8;

export interface KnownSecret {
  readonly name: string;
  readonly value: string;
}

export type Redact = (text: string) => string;

/** The credential-looking variables of `env`, plus the variables named in `alsoNames`. */
export function secretsOf(env: Readonly<Record<string, string | undefined>>, alsoNames: readonly string[] = []): KnownSecret[] {
  const secrets: KnownSecret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) continue;
    if (SECRET_NAME.test(name) || alsoNames.includes(name)) secrets.push({ name, value });
  }
  // The longest first, so a secret that contains another is replaced whole.
  return secrets.sort((a, b) => b.value.length - a.value.length);
}

/** Replaces every occurrence of each secret by `[redacted NAME]`. */
export function redactor(secrets: readonly KnownSecret[]): Redact {
  if (secrets.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const { name, value } of secrets) if (out.includes(value)) out = out.split(value).join(`[redacted ${name}]`);
    return out;
  };
}

/** Every string inside a JSON-like value, redacted; the value is copied only where something changed. */
export function redactDeep<T>(value: T, redact: Redact): T {
  return walk(value, redact) as T;
}

function walk(value: unknown, redact: Redact): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) {
    const items = value.map((v) => walk(v, redact));
    return items.every((v, i) => v === value[i]) ? value : items;
  }
  if (typeof value === 'object' && value !== null) {
    let changed = false;
    const entries = Object.entries(value).map(([k, v]) => {
      const next = walk(v, redact);
      if (next !== v) changed = true;
      return [k, next] as const;
    });
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}
