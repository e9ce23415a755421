import type { DataValue } from '../core/data-value.ts';
import type { ExplainedCell, LedgerChain, TargetChain } from '../core/explain.ts';
import type { HeldValue } from '../core/reconcile.ts';
import { fetchDataValueAudits } from '../dhis2/data-value-audits.ts';
import { fetchHeldValues } from '../dhis2/data-value-sets.ts';
import type { T2aStore } from '../store/types.ts';
import { comboOf } from './explain-cell.ts';
import type { PreparedTarget } from './target.ts';

const RUNS_LOOKED_AT = 50;

const sameCell = (value: DataValue, cell: ExplainedCell, defaults: ReadonlySet<string>) =>
  value.dataElement === cell.dataElement &&
  value.period === cell.period &&
  value.orgUnit === cell.orgUnit &&
  comboOf(value.categoryOptionCombo, defaults) === cell.categoryOptionCombo &&
  comboOf(value.attributeOptionCombo, defaults) === cell.attributeOptionCombo;

export async function ledgerOfCell(
  store: T2aStore | undefined,
  job: string,
  target: PreparedTarget,
  cell: ExplainedCell,
): Promise<LedgerChain> {
  if (!store)
    return {
      known: false,
      value: undefined,
      runId: undefined,
      run: undefined,
      notDelivered: [],
      deleted: [],
    };
  const entries = await store.ledger.entries(target.ledgerKey, job, [cell.period], [cell.orgUnit]);
  const entry = entries.find((value) => sameCell(value, cell, target.defaultCombos));
  const run = entry ? await store.run(entry.runId) : undefined;
  const notDelivered: LedgerChain['notDelivered'][number][] = [];
  const deleted: LedgerChain['deleted'][number][] = [];
  for (const recent of await store.runs({ job, last: RUNS_LOOKED_AT })) {
    for (const removal of await store.ledger.deletions(recent.id))
      if (
        removal.target === target.ledgerKey &&
        sameCell(removal.value, cell, target.defaultCombos)
      )
        deleted.push({ runId: recent.id, startedAt: recent.startedAt, value: removal.value.value });
    for (const value of await store.runValues.list(recent.id)) {
      if (!sameCell(value, cell, target.defaultCombos)) continue;
      notDelivered.push({
        runId: recent.id,
        startedAt: recent.startedAt,
        value: value.value,
        cause: value.cause,
        message: value.message,
      });
    }
  }
  return {
    known: true,
    value: entry?.value,
    runId: entry?.runId,
    run: run && { startedAt: run.startedAt, finishedAt: run.finishedAt, status: run.status },
    notDelivered,
    deleted,
  };
}

/** What the target holds in the cell now (`/api/dataValueSets`), who stored it, and its audit trail. */
export async function targetOfCell(
  target: PreparedTarget,
  cell: ExplainedCell,
): Promise<Omit<TargetChain, 'changedAfterT2a'>> {
  const element = target.dataElements.get(cell.dataElement);
  const dataSets = (element?.dataSets ?? [])
    .map((dataSet) => dataSet.id)
    .filter((id) => target.dataSets.includes(id));
  const held: HeldValue[] = element
    ? await fetchHeldValues(target.client, target.info.profile, {
        dataSets: dataSets.length > 0 ? dataSets : target.dataSets,
        periods: [cell.period],
        orgUnits: [cell.orgUnit],
        orgUnitIdScheme: target.orgUnitIdScheme,
        uidOf: target.uidOf,
        names: target.names,
      })
    : [];
  const value = held.find((candidate) => sameCell(candidate, cell, target.defaultCombos));
  const orgUnitUid = target.uidOf(cell.orgUnit);
  const audits =
    element && orgUnitUid
      ? await fetchDataValueAudits(target.client, {
          dataElement: element.id,
          period: cell.period,
          orgUnit: orgUnitUid,
        })
      : undefined;
  const ofCell = (uid: string | undefined) =>
    comboOf(uid ? target.names.combo(uid) : undefined, target.defaultCombos);
  return {
    connection: target.client.name,
    value: value?.value,
    storedBy: value?.storedBy,
    lastUpdated: value?.lastUpdated,
    audit: audits?.filter(
      (entry) =>
        ofCell(entry.categoryOptionCombo) === cell.categoryOptionCombo &&
        ofCell(entry.attributeOptionCombo) === cell.attributeOptionCombo,
    ),
  };
}
