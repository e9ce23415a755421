import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { type MetadataObject, refIds } from '../metadata/store.ts';
import { addDays, isoDate, type Period, periodContaining, shiftPeriod } from '../periods/period.ts';

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

/** `DataSet.isLocked`: past `expiryDays` after the period's end, without F_EDIT_EXPIRED. */
export function isExpired(
  dataSet: MetadataObject,
  period: Period,
  now: Date,
  user: SandboxUser,
): boolean {
  const expiryDays = Number(dataSet.expiryDays ?? 0);
  if (expiryDays <= 0 || user.authorities.has('F_EDIT_EXPIRED') || user.authorities.has('ALL'))
    return false;
  return isoDate(now) > addDays(period.endDate, 1 + expiryDays);
}

/** `DataSet.isDataInputPeriodAndDateAllowed`: no input periods, or one for this period open now. */
export function inputPeriodOpen(dataSet: MetadataObject, period: Period, now: Date): boolean {
  const inputPeriods =
    (dataSet.dataInputPeriods as
      | { period?: { id?: string } | string; openingDate?: string; closingDate?: string }[]
      | undefined) ?? [];
  if (inputPeriods.length === 0) return true;
  const time = now.toISOString();
  return inputPeriods.some((input) => {
    const id = typeof input.period === 'string' ? input.period : input.period?.id;
    return (
      id === period.id &&
      (!input.openingDate || input.openingDate <= time) &&
      (!input.closingDate || time <= input.closingDate)
    );
  });
}

// The calendar library computes a period in milliseconds; an import asks the same question per value.
const latestCache = new Map<string, Period>();

/** The latest period a data set accepts (`openFuturePeriods` periods ahead of the current one). */
export function latestOpenPeriod(dataSet: MetadataObject, periodType: string, now: Date): Period {
  const ahead = Math.max(0, Number(dataSet.openFuturePeriods ?? 0));
  const key = `${periodType}|${ahead}|${isoDate(now)}`;
  let latest = latestCache.get(key);
  if (!latest) {
    const current = periodContaining(periodType, isoDate(now));
    latest = ahead === 0 ? current : shiftPeriod(current, ahead);
    latestCache.set(key, latest);
  }
  return latest;
}
