import type { DataValue } from '../core/data-value.ts';
import { isT2aError } from '../core/errors.ts';
import {
  type AddUp,
  addUp,
  type ExplainedCell,
  type ExplainedRecord,
  type Explanation,
  indicatorSentence,
  judgeChain,
  type MappedIndicator,
} from '../core/explain.ts';
import {
  aggregationWords,
  boundariesMatchQuery,
  filterParts,
  orgUnitFieldWords,
  periodRuleWords,
} from '../core/explain-words.ts';
import type { IndicatorMapping } from '../core/mapping.ts';
import { DEFAULT_COMBOS } from '../core/reconcile.ts';
import { exportDataValueSet } from '../dhis2/analytics.ts';
import {
  describeIndicatorText,
  fetchIndicatorDetail,
  type IndicatorDetail,
} from '../dhis2/event-query.ts';
import { fetchEnrollmentAttributes } from '../dhis2/tracker-records.ts';
import { parsePeriodId } from '../periods/period.ts';
import type { JobContext } from './context.ts';
import { fromExport } from './disaggregation.ts';
import {
  type CellQuery,
  comboOf,
  explainedCell,
  findTarget,
  mappingsOfCell,
} from './explain-cell.ts';
import { ledgerOfCell, targetOfCell } from './explain-chain.ts';
import { type Listed, recordsOfCell } from './explain-records.ts';
import type { ResolvedJob } from './resolve-job.ts';

export type { CellQuery } from './explain-cell.ts';

/** An indicator in words, with DHIS2's own description of its expression and filter where it gives one. */
async function describeIndicator(
  resolved: ResolvedJob,
  detail: IndicatorDetail,
  cell: ExplainedCell,
  disaggregated: boolean,
): Promise<MappedIndicator> {
  const client = resolved.source.client;
  const period = parsePeriodId(cell.period, resolved.source.info.calendar)!;
  const base = {
    id: detail.id,
    name: detail.name,
    program: { id: detail.program.id, name: detail.program.name },
    analyticsType: detail.analyticsType,
    aggregationType: detail.aggregationType,
    expression: detail.expression,
    filter: detail.filter,
    expressionInWords: await describeIndicatorText(client, 'expression', detail.expression),
    filterInWords: detail.filter
      ? await describeIndicatorText(client, 'filter', detail.filter)
      : undefined,
    periodRule: periodRuleWords(detail.analyticsType, detail.boundaries, period, detail.names),
    countsAt: orgUnitFieldWords(detail.analyticsType, detail.orgUnitField, detail.names),
    aggregation: aggregationWords(detail.aggregationType),
    disaggregated,
  };
  return {
    ...base,
    inWords: indicatorSentence(base),
    parts: [`within the period: ${base.periodRule}`, ...filterParts(detail.filter)],
  };
}

/** What the source's analytics gives for the cell now: the same export a run makes, for one indicator. */
async function sourceValue(
  resolved: ResolvedJob,
  mapping: IndicatorMapping,
  cell: ExplainedCell,
  disaggregated: boolean,
): Promise<string | undefined> {
  const { client, info } = resolved.source;
  const exported = await exportDataValueSet(client, info.profile, {
    programIndicators: [mapping.programIndicator],
    periods: [cell.period],
    orgUnits: [cell.sourceOrgUnit],
    mappingAttribute: resolved.job.mappingAttribute,
  });
  const values: DataValue[] = fromExport(exported.values, resolved.disaggregation.fromExport);
  const found = values.find(
    (value) =>
      value.orgUnit === cell.sourceOrgUnit &&
      (!disaggregated || value.dataElement === mapping.dataElement) &&
      comboOf(value.categoryOptionCombo, DEFAULT_COMBOS) ===
        comboOf(mapping.categoryOptionCombo, DEFAULT_COMBOS) &&
      comboOf(value.attributeOptionCombo, DEFAULT_COMBOS) ===
        comboOf(mapping.attributeOptionCombo, DEFAULT_COMBOS),
  );
  return found?.value;
}

/** Caveats that hold whatever the numbers: how the query lists records against how the indicator counts. */
function listingNotes(detail: IndicatorDetail, check: AddUp, listed: Listed): string[] {
  const notes: string[] = [];
  if (!listed.listed) notes.push(`The records are ${listed.from}.`);
  else if (!check.addsUp)
    notes.push(`The listed records do not add up: ${check.reasons.join('; ')}.`);
  if (detail.orgUnitField)
    notes.push(
      `This indicator counts a record at ${orgUnitFieldWords(detail.analyticsType, detail.orgUnitField, detail.names)}; the query lists records by their own org unit.`,
    );
  return notes;
}

/**
 * The records with their people's attribute values, asked for explicitly: read as the source's user,
 * so DHIS2's sharing and ownership decide what shows; an enrollment it refuses shows none.
 */
async function withAttributes(
  resolved: ResolvedJob,
  records: readonly ExplainedRecord[],
  known: ReadonlyMap<string, Record<string, string>> = new Map(),
): Promise<ExplainedRecord[]> {
  const client = resolved.source.client;
  const read = new Map(known);
  const shown: ExplainedRecord[] = [];
  for (const record of records) {
    if (!record.enrollment) {
      shown.push(record);
      continue;
    }
    if (!read.has(record.enrollment))
      read.set(
        record.enrollment,
        await fetchEnrollmentAttributes(client, record.enrollment).catch((error) => {
          if (isT2aError(error) && error.kind !== 'connection') return {};
          throw error;
        }),
      );
    shown.push({ ...record, attributes: read.get(record.enrollment) });
  }
  return shown;
}

/** One target cell explained: the mapping, the chain of values, the records behind it. */
export async function explainValue(
  ctx: JobContext,
  resolved: ResolvedJob,
  query: CellQuery,
): Promise<Explanation> {
  const target = findTarget(resolved, query.target);
  const mapping = mappingsOfCell(resolved, target, query)[0]!;
  const cell = explainedCell(resolved, target, query);
  const disaggregated = resolved.disaggregation.mappings.includes(mapping);
  const detail = await fetchIndicatorDetail(resolved.source.client, mapping.programIndicator);
  const indicator = await describeIndicator(resolved, detail, cell, disaggregated);
  const value = await sourceValue(resolved, mapping, cell, disaggregated);
  const ledger = await ledgerOfCell(ctx.store, resolved.job.name, target, cell);
  const held = await targetOfCell(target, cell);
  const verdict = judgeChain({
    source: value,
    ledger: ledger.value !== undefined ? { value: ledger.value, runId: ledger.runId! } : undefined,
    target: held.value !== undefined ? { ...held, value: held.value } : undefined,
  });
  const queryFits =
    boundariesMatchQuery(detail.analyticsType, detail.boundaries) && !detail.orgUnitField;
  const listed = await recordsOfCell(resolved, detail, cell, {
    disaggregated,
    sourceValue: value,
    queryFits,
    showAttributes: query.showAttributes === true,
    mapping,
  });
  const check = addUp(detail.aggregationType, listed.records, value, {
    defaultBoundaries: queryFits,
    listed: listed.listed,
  });
  const info = resolved.source.info;
  return {
    job: resolved.job.name,
    cell,
    mapping: { indicators: [indicator] },
    source: {
      connection: resolved.source.client.name,
      value,
      analyticsLastRun: info.lastAnalyticsTableSuccess,
      analyticsAgeHours: resolved.analyticsAgeHours,
    },
    ledger,
    target: { ...held, changedAfterT2a: verdict.changedAfterT2a },
    recordsFrom: listed.from,
    ownEvaluation: listed.own,
    records: query.showAttributes
      ? await withAttributes(resolved, listed.records, listed.attributes)
      : listed.records,
    recordsTotal: check.total,
    recordsAddUp: check.addsUp,
    notes: [
      ...verdict.notes,
      ...ledger.notDelivered.map(
        (entry) =>
          `Run ${entry.runId} did not deliver ${entry.value}: ${entry.cause}${entry.message ? ` (${entry.message})` : ''}.`,
      ),
      ...ledger.deleted.map(
        (entry) =>
          `Run ${entry.runId} deleted the ${entry.value} t2a had sent: the source gave no value.`,
      ),
      ...listingNotes(detail, check, listed),
      ...listed.notes,
      ...(ledger.known ? [] : ['t2a runs without a store here: it cannot say what it sent.']),
    ],
  };
}
