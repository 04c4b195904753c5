// Which model answered, compared with the one asked for. An alias (`opus`) is satisfied by any
// model of its family (`claude-opus-4-8[1m]`); a full id must match up to a date suffix.

const FAMILIES = ['opus', 'sonnet', 'haiku'] as const;
export type ModelFamily = (typeof FAMILIES)[number];

/** `claude-opus-4-8[1m]` -> `claude-opus-4-8`: the bracket names a context window, not a model. */
export function normalizeModel(id: string): string {
  return id.replace(/\[[^\]]*\]$/, '').trim().toLowerCase();
}

export function modelFamily(id: string): ModelFamily | undefined {
  const n = normalizeModel(id);
  return FAMILIES.find((f) => n === f || n.includes(`-${f}`) || n.startsWith(`${f}-`));
}

function isAlias(requested: string): boolean {
  const n = normalizeModel(requested);
  return n === 'default' || (FAMILIES as readonly string[]).includes(n);
}

/** False only for a real model that is not what was asked for. */
export function modelMatches(requested: string, used: string): boolean {
  const u = normalizeModel(used);
  if (u === '' || u === '<synthetic>') return true;
  const r = normalizeModel(requested);
  if (r === 'default') return true;
  if (isAlias(requested)) return modelFamily(used) === r;
  return u === r || u.startsWith(`${r}-`) || r.startsWith(`${u}-`);
}

/** USD per million tokens [input, output], as the CLI 2.1.197 itself prices them. */
const PRICES: Readonly<Record<ModelFamily, readonly [number, number]>> = {
  opus: [5, 25],
  sonnet: [3, 15],
  haiku: [1, 5],
};

/** A cost when the CLI reported none (killed or crashed): unknown models priced as sonnet. */
export function estimateCostUsd(model: string, inputTokens: number, outputTokens: number): number {
  const [inPrice, outPrice] = PRICES[modelFamily(model) ?? 'sonnet'];
  return (inputTokens * inPrice + outputTokens * outPrice) / 1_000_000;
}
