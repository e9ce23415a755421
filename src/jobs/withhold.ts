import type { DataValue } from '../core/data-value.ts';
import { dataValueKey, zeroIsInsignificant } from '../core/data-value.ts';
import { T2aError } from '../core/errors.ts';
import { about, type IssueEntry, issue } from '../core/issues.ts';
import { type LockQuestion, lockRefusal, type Refusal } from '../core/locks.ts';
import { mappingKey } from '../core/mapping.ts';
import { periodAhead, periodDates } from '../core/periods.ts';
import { withoutDefaultCombos } from '../core/reconcile.ts';
import type { Delivery } from './delivery.ts';
import { importDataSetOf } from './target.ts';

/**
 * A value as the target holds it: its org unit translated, the default combo left out under whatever
 * code the target gives it (t2a writes and compares default combos that way).
 */
export function asTargetHolds(delivery: Delivery, value: DataValue): DataValue {
  const orgUnit = delivery.target.translate(value.orgUnit) ?? value.orgUnit;
  return withoutDefaultCombos(
    orgUnit === value.orgUnit ? value : { ...value, orgUnit },
    delivery.target.defaultCombos,
  );
}

/*
 * What a target cannot take, decided before anything is read or sent: values of org units it lacks or
 * refuses, of indicators that failed validation, zeros it does not store, and values for periods it has
 * closed. Each is withheld with its cause; none of them is judged stale (deliver.ts, producedKeys).
 */

/** Why the target cannot take a value of this org unit, if it cannot. */
function orgUnitRefusal(delivery: Delivery, value: DataValue): IssueEntry | undefined {
  const { target, resolved } = delivery;
  const access = target.orgUnitAccess?.get(value.orgUnit);
  // Named only when refused: a national run asks this of a million values.
  const name = () => resolved.orgUnitName(value.orgUnit);
  if (target.translate(value.orgUnit) === undefined || (access && !access.found))
    return issue('unknown-org-unit', 1, [name()]);
  if (!access) return undefined;
  if (!access.writable) return issue('outside-hierarchy', 1, [name()]);
  if (!target.info.profile.refusesUnassignedOrgUnits) return undefined;
  const sets = (target.dataElements.get(value.dataElement)?.dataSets ?? []).filter(
    (ds) => ds.periodType === resolved.job.periodType,
  );
  return sets.some((ds) => access.dataSets.has(ds.id))
    ? undefined
    : issue('not-assigned', 1, [`${name()}: ${sets.map((ds) => ds.name).join(', ')}`]);
}

/**
 * The checked values the target can take, with their org units translated: not those of org units it
 * lacks, may not write, or has not assigned to the data set (2.43), not those of indicators that failed
 * validation, and not zeros it does not store (`zeroIsSignificant: false`: DHIS2 drops them).
 */
export function deliverable(
  delivery: Delivery,
  values: readonly DataValue[],
): { values: DataValue[]; issues: IssueEntry[]; zeroKeys: string[] } {
  const { target } = delivery;
  const ready: DataValue[] = [];
  const issues: IssueEntry[] = [];
  const zeroKeys: string[] = [];
  for (const value of values) {
    const refused = orgUnitRefusal(delivery, value);
    const finding = delivery.failed.size > 0 ? delivery.failed.get(mappingKey(value)) : undefined;
    if (refused || finding) {
      issues.push(
        about(refused ?? issue(finding!.kind, 1, [finding!.dataElement ?? finding!.kind]), [value]),
      );
      continue;
    }
    const held = asTargetHolds(delivery, value);
    const element = target.dataElements.get(value.dataElement);
    if (element && zeroIsInsignificant(value.value, element)) {
      zeroKeys.push(dataValueKey(held));
      continue;
    }
    ready.push(held);
  }
  return { values: ready, issues, zeroKeys };
}

/** Why the target refuses a value's period (its rules per version: ServerProfile.lockRules), if it does. */
function refusalOf(
  delivery: Delivery,
  value: DataValue,
  latestOpen: LockQuestion['latestOpen'],
): Refusal | undefined {
  const { target } = delivery;
  const period = periodDates(value.period, target.calendar);
  const dataSets = target.dataElements.get(value.dataElement)?.dataSets ?? [];
  if (!period || dataSets.length === 0) return undefined;
  const assigned = target.assignedDataSets(value.orgUnit);
  return lockRefusal({
    dataSets,
    assigned: (dataSet) => assigned?.has(dataSet),
    importDataSet: importDataSetOf(target, value, delivery.resolved.job.periodType),
    period,
    today: target.today,
    canEditExpired: target.canEditExpired,
    isoCalendar: target.calendar === 'iso8601',
    rules: target.info.profile.lockRules,
    latestOpen,
  });
}

/**
 * Values for periods the target has closed (expiry days, input periods, future periods) are not sent: each
 * is reported as locked with its period and data set; the job's `lockedPeriods: fail` fails the chunk.
 */
export function withholdLocked(
  delivery: Delivery,
  values: readonly DataValue[],
): { open: DataValue[]; issues: IssueEntry[]; failure?: T2aError } {
  const { target } = delivery;
  const job = delivery.resolved.job;
  const open: DataValue[] = [];
  const issues: IssueEntry[] = [];
  // The latest open period depends only on the period type and the count: asked once per chunk each.
  const latest = new Map<string, ReturnType<LockQuestion['latestOpen']>>();
  const latestOpen = (periodType: string, openFuturePeriods: number) => {
    const key = `${periodType} ${openFuturePeriods}`;
    if (!latest.has(key))
      latest.set(
        key,
        periodAhead(periodType, target.today, openFuturePeriods - 1, target.calendar),
      );
    return latest.get(key);
  };
  for (const value of values) {
    const refusal = refusalOf(delivery, value, latestOpen);
    if (!refusal) {
      open.push(value);
      continue;
    }
    issues.push(
      about(issue(refusal.cause, 1, [`${value.period} ${refusal.dataSet}`], refusal.reason), [
        value,
      ]),
    );
  }
  if (job.lockedPeriods === 'fail' && open.length < values.length) {
    const first = values.find((value) => !open.includes(value))!;
    return {
      open: [],
      issues,
      failure: new T2aError(
        'dhis2',
        `Period ${first.period} is closed in ${target.client.name}: ${issues[0]!.message}.`,
        {
          fix: 'Take the period out of the job, ask for a lock exception, or set lockedPeriods: skip to send the rest.',
        },
      ),
    };
  }
  return { open, issues };
}
