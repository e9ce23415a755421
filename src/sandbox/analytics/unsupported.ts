import { compileProgramIndicator } from '../../program-indicators/compile.ts';
import type { CompileResult } from '../../program-indicators/types.ts';
import type { SandboxContext } from '../context.ts';
import type { MetadataObject } from '../metadata/store.ts';

/**
 * What the sandbox cannot evaluate, with the reason, so that no indicator is ever silently missing or
 * zero: program indicators its engine does not compile, data items other than program indicators that
 * a query asked for, and what a query asked of an indicator that the sandbox does not model (an
 * attribute category as a dimension, disaggregation over combos missing from its metadata).
 */
export interface UnsupportedItem {
  readonly id: string;
  readonly name: string;
  readonly reason: string;
}

interface Cache {
  generation: number;
  results: Map<string, CompileResult>;
  otherItems: Map<string, UnsupportedItem>;
}

const caches = new WeakMap<SandboxContext, Cache>();

function cacheOf(ctx: SandboxContext): Cache {
  let cache = caches.get(ctx);
  if (!cache || cache.generation !== ctx.metadata.generation) {
    cache = {
      generation: ctx.metadata.generation,
      results: new Map(),
      otherItems: cache?.otherItems ?? new Map(),
    };
    caches.set(ctx, cache);
  }
  return cache;
}

/** Compiles an indicator once per metadata generation; the reasons of the ones that fail are kept. */
export function compiledIndicator(ctx: SandboxContext, indicator: MetadataObject): CompileResult {
  const cache = cacheOf(ctx);
  let result = cache.results.get(indicator.id);
  if (!result) {
    result = compileWith(ctx, indicator);
    cache.results.set(indicator.id, result);
  }
  return result;
}

function compileWith(ctx: SandboxContext, indicator: MetadataObject): CompileResult {
  return compileProgramIndicator(indicator, (type, id) => ctx.metadata.get(type, id), {
    dhis2Version: ctx.version,
  });
}

export function recordUnsupportedItem(
  ctx: SandboxContext,
  object: MetadataObject,
  kind: string,
): void {
  cacheOf(ctx).otherItems.set(object.id, {
    id: object.id,
    name: String(object.name ?? object.id),
    reason: `a ${kind} as dx: the sandbox serves program indicator values only, so it has no rows`,
  });
}

/** A query asked an indicator for what the sandbox does not model: listed with the other items. */
export function recordUnsupportedQuery(
  ctx: SandboxContext,
  indicator: MetadataObject,
  reason: string,
): void {
  cacheOf(ctx).otherItems.set(indicator.id, {
    id: indicator.id,
    name: String(indicator.name ?? indicator.id),
    reason: `${reason}: the sandbox has no rows for it`,
  });
}

/** Every program indicator in the metadata that the sandbox cannot evaluate, and other items asked for. */
export function unsupportedItems(ctx: SandboxContext): {
  programIndicators: UnsupportedItem[];
  otherDataItems: UnsupportedItem[];
} {
  const programIndicators = ctx.metadata.list('programIndicators').flatMap((indicator) => {
    const result = compiledIndicator(ctx, indicator);
    return result.ok ? [] : [{ id: result.id, name: result.name, reason: result.reason }];
  });
  return { programIndicators, otherDataItems: [...cacheOf(ctx).otherItems.values()] };
}

/** The program indicators part, for `/__sandbox/analytics/unsupported`. */
export function unsupportedIndicators(ctx: SandboxContext): UnsupportedItem[] {
  return unsupportedItems(ctx).programIndicators;
}
