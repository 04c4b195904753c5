// The models Orch can route to: shipped defaults for both providers, merged with the
// `models` overrides of .orch/config.json. Every price is USD per million tokens.

import type { Provider } from '../../protocol/domain';
import type { ModelOverride } from '../config/orch-config';
import { InputError } from '../errors';

export type Tier = 'strong' | 'balanced' | 'fast';

export interface ModelInfo {
  /** The name Orch passes on: an alias for Claude (`sonnet`), the API id for OpenAI. */
  readonly name: string;
  readonly provider: Provider;
  readonly tier: Tier;
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  readonly cacheReadPerMTok: number;
  readonly cacheWritePerMTok: number;
  readonly contextWindow: number;
  /** Models to try, in order, when this one is overloaded, rate limited or unavailable. */
  readonly fallback: readonly string[];
  /** The router may choose it; others run only when pinned or named by an agent. */
  readonly routable: boolean;
}

type Shipped = Omit<ModelInfo, 'name' | 'routable'> & { readonly routable?: boolean; readonly aliases?: readonly string[] };

// Claude prices as the claude CLI 2.1.197 computes them (cache read 0.1x, cache write 1.25x of input);
// aliases resolve as that CLI resolves them (docs/notes/claude-cli-facts.md).
const SHIPPED: Readonly<Record<string, Shipped>> = {
  opus: { provider: 'claude', tier: 'strong', inputPerMTok: 5, outputPerMTok: 25, cacheReadPerMTok: 0.5, cacheWritePerMTok: 6.25, contextWindow: 200_000, fallback: ['sonnet'], routable: true, aliases: ['claude-opus-4-8'] },
  sonnet: { provider: 'claude', tier: 'balanced', inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75, contextWindow: 200_000, fallback: ['haiku'], routable: true, aliases: ['claude-sonnet-5'] },
  haiku: { provider: 'claude', tier: 'fast', inputPerMTok: 1, outputPerMTok: 5, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25, contextWindow: 200_000, fallback: ['sonnet'], routable: true, aliases: ['claude-haiku-4-5-20251001'] },
  'claude-opus-4-1': { provider: 'claude', tier: 'strong', inputPerMTok: 15, outputPerMTok: 75, cacheReadPerMTok: 1.5, cacheWritePerMTok: 18.75, contextWindow: 200_000, fallback: ['sonnet'] },
  'claude-sonnet-4-5': { provider: 'claude', tier: 'balanced', inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75, contextWindow: 200_000, fallback: ['haiku'] },
  'claude-haiku-4-5': { provider: 'claude', tier: 'fast', inputPerMTok: 1, outputPerMTok: 5, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25, contextWindow: 200_000, fallback: ['sonnet'] },
  'gpt-4.1': { provider: 'openai', tier: 'balanced', inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5, cacheWritePerMTok: 2, contextWindow: 1_047_576, fallback: ['gpt-4.1-mini'], routable: true },
  'gpt-4.1-mini': { provider: 'openai', tier: 'fast', inputPerMTok: 0.4, outputPerMTok: 1.6, cacheReadPerMTok: 0.1, cacheWritePerMTok: 0.4, contextWindow: 1_047_576, fallback: ['gpt-4.1'], routable: true },
  'gpt-4.1-nano': { provider: 'openai', tier: 'fast', inputPerMTok: 0.1, outputPerMTok: 0.4, cacheReadPerMTok: 0.025, cacheWritePerMTok: 0.1, contextWindow: 1_047_576, fallback: ['gpt-4.1-mini'] },
  'gpt-4o': { provider: 'openai', tier: 'balanced', inputPerMTok: 2.5, outputPerMTok: 10, cacheReadPerMTok: 1.25, cacheWritePerMTok: 2.5, contextWindow: 128_000, fallback: ['gpt-4o-mini'] },
  'gpt-4o-mini': { provider: 'openai', tier: 'fast', inputPerMTok: 0.15, outputPerMTok: 0.6, cacheReadPerMTok: 0.075, cacheWritePerMTok: 0.15, contextWindow: 128_000, fallback: ['gpt-4o'] },
  'gpt-5': { provider: 'openai', tier: 'strong', inputPerMTok: 1.25, outputPerMTok: 10, cacheReadPerMTok: 0.125, cacheWritePerMTok: 1.25, contextWindow: 400_000, fallback: ['gpt-4.1'], routable: true },
  'gpt-5-mini': { provider: 'openai', tier: 'balanced', inputPerMTok: 0.25, outputPerMTok: 2, cacheReadPerMTok: 0.025, cacheWritePerMTok: 0.25, contextWindow: 400_000, fallback: ['gpt-4.1-mini'] },
};

export class ModelCatalog {
  private readonly models: ReadonlyMap<string, ModelInfo>;
  private readonly aliases: ReadonlyMap<string, string>;

  private constructor(models: Map<string, ModelInfo>, aliases: Map<string, string>) {
    this.models = models;
    this.aliases = aliases;
  }

  /**
   * Shipped models with the config's overrides on top. A model the shipped list lacks must
   * say at least its provider and prices, or routing could not price it.
   */
  static build(overrides: Readonly<Record<string, ModelOverride>> = {}, configFile = '.orch/config.json'): ModelCatalog {
    const models = new Map<string, ModelInfo>();
    const aliases = new Map<string, string>();
    for (const [name, { aliases: names, routable, ...info }] of Object.entries(SHIPPED)) {
      models.set(name, { name, ...info, routable: routable ?? false });
      for (const alias of names ?? []) aliases.set(alias, name);
    }
    for (const [rawName, o] of Object.entries(overrides)) {
      const name = aliases.get(rawName) ?? rawName;
      const base = models.get(name);
      if (base === undefined && (o.provider === undefined || o.inputPerMTok === undefined || o.outputPerMTok === undefined)) {
        throw new InputError(`models.${rawName}: a model Orch does not ship needs "provider", "inputPerMTok" and "outputPerMTok"`, { file: configFile }, `shipped models: ${[...models.keys()].join(', ')}`);
      }
      const input = o.inputPerMTok ?? base?.inputPerMTok ?? 0;
      models.set(name, {
        name,
        provider: o.provider ?? base?.provider ?? 'claude',
        tier: o.tier ?? base?.tier ?? 'balanced',
        inputPerMTok: input,
        outputPerMTok: o.outputPerMTok ?? base?.outputPerMTok ?? 0,
        cacheReadPerMTok: o.cacheReadPerMTok ?? base?.cacheReadPerMTok ?? input * 0.1,
        cacheWritePerMTok: o.cacheWritePerMTok ?? base?.cacheWritePerMTok ?? input * 1.25,
        contextWindow: o.contextWindow ?? base?.contextWindow ?? 200_000,
        fallback: o.fallback ?? base?.fallback ?? [],
        routable: o.routable ?? base?.routable ?? false,
      });
    }
    const catalog = new ModelCatalog(models, aliases);
    for (const [name, info] of models) {
      const bad = info.fallback.filter((f) => catalog.get(f)?.provider !== info.provider);
      if (bad.length > 0) throw new InputError(`models.${name}.fallback names ${bad.map((b) => `"${b}"`).join(', ')}, not a ${info.provider} model of the catalog`, { file: configFile });
    }
    return catalog;
  }

  /** By catalog name or full id; `claude-opus-4-8[1m]` finds opus. */
  get(name: string): ModelInfo | undefined {
    const bare = name.replace(/\[[^\]]*\]$/, '').trim();
    return this.models.get(bare) ?? this.models.get(this.aliases.get(bare) ?? '');
  }

  names(): readonly string[] {
    return [...this.models.keys()];
  }

  /** Routing candidates: a provider's routable models, cheapest first. */
  candidates(provider: Provider): readonly ModelInfo[] {
    return [...this.models.values()].filter((m) => m.provider === provider && m.routable).sort((a, b) => blendedPrice(a) - blendedPrice(b));
  }

  /** The model's chain after it, without repeats or itself. */
  fallbackChain(name: string): readonly string[] {
    const chain: string[] = [];
    const start = this.get(name);
    let next = start?.fallback ?? [];
    const seen = new Set([start?.name ?? name]);
    while (next.length > 0) {
      const fresh = next.filter((n) => !seen.has(this.get(n)?.name ?? n));
      if (fresh.length === 0) break;
      for (const n of fresh) {
        seen.add(this.get(n)?.name ?? n);
        chain.push(n);
      }
      next = this.get(fresh.at(-1)!)?.fallback ?? [];
    }
    return chain;
  }
}

/** Price of a typical agent turn mix (mostly input): used to order models by cost. */
function blendedPrice(m: ModelInfo): number {
  return m.inputPerMTok * 0.8 + m.outputPerMTok * 0.2;
}

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens?: number;
  readonly cacheWriteTokens?: number;
}

export function priceUsd(m: ModelInfo, u: TokenUsage): number {
  return (u.inputTokens * m.inputPerMTok + u.outputTokens * m.outputPerMTok + (u.cacheReadTokens ?? 0) * m.cacheReadPerMTok + (u.cacheWriteTokens ?? 0) * m.cacheWritePerMTok) / 1_000_000;
}
