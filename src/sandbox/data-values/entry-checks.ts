import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { type MetadataObject, refIds } from '../metadata/store.ts';
import type { parsePeriod } from '../periods/period.ts';
import { hasSharing } from '../users/sharing.ts';
import { dataSetsOf, isAssigned } from './target-data-sets.ts';
import {
  inputPeriodAllows,
  isAfter,
  latestOpenPeriod,
  mayEditExpired,
  pastExpiry,
} from './timeliness.ts';

/** A value of the 2.43 pipeline with its identifiers decoded. */
export interface Decoded {
  element: MetadataObject;
  period: NonNullable<ReturnType<typeof parsePeriod>>;
  orgUnit: MetadataObject;
  coc: MetadataObject;
  aoc: MetadataObject;
  value: string;
  deleted: boolean;
  comment: string | null;
  index: number;
}

/** `MessageFormat` of a List argument: `[a, b]`. */
export const list = (items: readonly string[]) => `[${items.join(', ')}]`;
export const distinct = (items: readonly string[]) => [...new Set(items)];

/*
 * The group checks of the 2.43 pipeline (`DefaultDataEntryService.validate`, 2.43.1 l.579–590): each
 * throws a ConflictException that rejects the whole group, naming every offender.
 */

export type GroupProblem = [code: string, message: string, args: string[]];

/** `validateUserAccess` and `validateKeyConsistency`, in their order; each names every offender. */
export function keyProblem(
  ctx: SandboxContext,
  user: SandboxUser,
  ds: MetadataObject,
  values: readonly Decoded[],
): GroupProblem | undefined {
  const units = distinct(values.map((v) => v.orgUnit.id));
  // `validateUserAccess` (2.43.1 l.593–609): a superuser writes anything.
  if (!user.superuser) {
    if (!hasSharing(ctx.metadata, user, ds, 'dataWrite'))
      return ['E8010', `Current user cannot enter data for data set: \`${ds.id}\``, [ds.id]];
    const outside = units.filter((ou) => !ctx.orgUnits.isWithin(ou, user.orgUnits));
    if (outside.length > 0)
      return [
        'E8011',
        `Current user cannot enter data for org unit(s): \`${list(outside)}\``,
        [list(outside)],
      ];
    const options = distinct(
      values.flatMap((v) => [...refIds(v.coc.categoryOptions), ...refIds(v.aoc.categoryOptions)]),
    ).filter((id) => {
      const option = ctx.metadata.get('categoryOptions', id);
      return option !== undefined && !hasSharing(ctx.metadata, user, option, 'dataWrite');
    });
    if (options.length > 0)
      return [
        'E8012',
        `Current user cannot enter data for category option(s): \`${list(options)}\``,
        [list(options)],
      ];
  }
  const notInDs = distinct(values.map((v) => v.element.id)).filter(
    (de) => !dataSetsOf(ctx, de).some((set) => set.id === ds.id),
  );
  if (notInDs.length > 0)
    return [
      'E8020',
      `Data set ${ds.id} not usable with data element(s): \`${list(notInDs)}\``,
      [ds.id, list(notInDs)],
    ];
  const unassigned = units.filter((ou) => !isAssigned(ctx, ds.id, ou));
  if (unassigned.length > 0)
    return [
      'E8022',
      `Data set ${ds.id} not usable with org unit(s): \`${list(unassigned)}\``,
      [ds.id, list(unassigned)],
    ];
  const wrongType = distinct(
    values.filter((v) => v.period.periodType !== ds.periodType).map((v) => v.period.id),
  );
  if (wrongType.length > 0)
    return [
      'E8021',
      `Data set ${ds.id} not usable with period(s): \`${list(wrongType)}\``,
      [ds.id, list(wrongType)],
    ];
  for (const de of distinct(values.map((v) => v.element.id))) {
    const elementCombo = (
      values.find((v) => v.element.id === de)!.element.categoryCombo as { id?: string } | undefined
    )?.id;
    const foreign = distinct(
      values
        .filter((v) => v.element.id === de && v.coc.id !== 'HllvX50cXC0')
        .filter((v) => (v.coc.categoryCombo as { id?: string } | undefined)?.id !== elementCombo)
        .map((v) => v.coc.id),
    );
    if (foreign.length > 0)
      return [
        'E8024',
        `Data set ${ds.id} + data element ${de} not usable with category option combo(s): \`${list(foreign)}\``,
        [ds.id, de, list(foreign)],
      ];
  }
  return undefined;
}

/**
 * `validateEntryTimeliness` (`DefaultDataEntryService`, 2.43.1 l.801–868): a data set with input
 * periods is checked against them only; one without, unless the user may edit expired data
 * (F_EDIT_EXPIRED), against its expiry days and then its open future periods, in the period type of
 * the first value. Either fails the whole group (E8030) naming the periods.
 */
export function untimely(
  ctx: SandboxContext,
  user: SandboxUser,
  ds: MetadataObject,
  values: readonly Decoded[],
): GroupProblem | undefined {
  const now = ctx.clock.now();
  const refuse = (periods: readonly string[]): GroupProblem | undefined => {
    const closed = distinct([...periods]);
    if (closed.length === 0) return undefined;
    return [
      'E8030',
      `Untimely data entry for data set ${ds.id} and period(s): \`${list(closed)}\``,
      [ds.id, list(closed)],
    ];
  };
  const hasInputPeriods = ((ds.dataInputPeriods as unknown[] | undefined) ?? []).length > 0;
  if (hasInputPeriods)
    return refuse(
      values
        .filter((v) => !inputPeriodAllows(ctx.version, ds, v.period, now))
        .map((v) => v.period.id),
    );
  if (mayEditExpired(user)) return undefined;
  const expired = refuse(
    values.filter((v) => pastExpiry(ctx.version, ds, v.period, now)).map((v) => v.period.id),
  );
  if (expired) return expired;
  const first = values[0];
  if (!first) return undefined;
  const latest = latestOpenPeriod(first.period.periodType, Number(ds.openFuturePeriods ?? 0), now);
  return refuse(values.filter((v) => isAfter(v.period, latest)).map((v) => v.period.id));
}

/** The first set of values with one key (lowest index first), as `validateValues` finds it. */
export function duplicateKeys(values: readonly Decoded[]): GroupProblem | undefined {
  const byKey = new Map<string, Decoded[]>();
  for (const v of values) {
    const key = `DataValueKey[dataElement=${v.element.id}, orgUnit=${v.orgUnit.id}, categoryOptionCombo=${v.coc.id}, attributeOptionCombo=${v.aoc.id}, period=${v.period.id}]`;
    byKey.set(key, [...(byKey.get(key) ?? []), v]);
  }
  const [key, same] = [...byKey.entries()].find(([, group]) => group.length > 1) ?? [];
  if (!key || !same) return undefined;
  const indexes = list(same.map((v) => String(v.index)));
  return ['E8128', `Value #${indexes} all affect the same data value: \`${key}\``, [indexes, key]];
}
