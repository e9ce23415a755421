import type { SandboxContext } from '../context.ts';
import { type MetadataObject, refIds } from '../metadata/store.ts';

const indexes = new WeakMap<
  SandboxContext,
  {
    generation: number;
    byElement: Map<string, MetadataObject[]>;
    sources: Map<string, Set<string>>;
  }
>();

function index(ctx: SandboxContext) {
  let cached = indexes.get(ctx);
  if (!cached || cached.generation !== ctx.metadata.generation) {
    const byElement = new Map<string, MetadataObject[]>();
    const sources = new Map<string, Set<string>>();
    for (const dataSet of ctx.metadata.list('dataSets')) {
      sources.set(dataSet.id, new Set(refIds(dataSet.organisationUnits)));
      for (const element of (dataSet.dataSetElements as
        | { dataElement?: { id?: string } }[]
        | undefined) ?? []) {
        const id = element.dataElement?.id;
        if (id) byElement.set(id, [...(byElement.get(id) ?? []), dataSet]);
      }
    }
    cached = { generation: ctx.metadata.generation, byElement, sources };
    indexes.set(ctx, cached);
  }
  return cached;
}

/** The data sets of a data element. */
export function dataSetsOf(ctx: SandboxContext, dataElement: string): MetadataObject[] {
  return index(ctx).byElement.get(dataElement) ?? [];
}

export function isAssigned(ctx: SandboxContext, dataSet: string, orgUnit: string): boolean {
  return index(ctx).sources.get(dataSet)?.has(orgUnit) ?? false;
}

/**
 * The data sets whose locks apply to a value (`ImportContext.getTargetDataSets`): the body's data set,
 * or the element's data sets that have the org unit as a source.
 */
export function targetDataSets(
  ctx: SandboxContext,
  dataElement: string,
  orgUnit: string,
  bodyDataSet: MetadataObject | undefined,
): MetadataObject[] {
  if (bodyDataSet) return [bodyDataSet];
  return dataSetsOf(ctx, dataElement).filter((dataSet) => isAssigned(ctx, dataSet.id, orgUnit));
}
