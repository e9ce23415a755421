import { isT2aError } from '../core/errors.ts';
import type { ExplainedCell } from '../core/explain.ts';
import { filterParts } from '../core/explain-words.ts';
import type { IndicatorDetail } from '../dhis2/event-query.ts';
import type { MetadataRecord, TrackerEnrollment } from '../dhis2/tracker-records.ts';
import {
  fetchEnrollmentsUnder,
  fetchEvaluationMetadata,
  fetchEventsUnder,
} from '../dhis2/tracker-records.ts';
import { parsePeriodId } from '../periods/period.ts';
import { compileProgramIndicator } from '../program-indicators/compile.ts';
import {
  foldRecordValues,
  indicatorRecords,
  programDataFromTracker,
  recordSummary,
} from '../program-indicators/records.ts';
import type {
  CompiledProgramIndicator,
  IndicatorContributions,
  ProgramData,
  ReportingPeriod,
} from '../program-indicators/types.ts';
import type { CellCategory } from './explain-disaggregated.ts';
import type { ResolvedJob } from './resolve-job.ts';

/** t2a's own evaluation of an indicator for a cell, over the source's tracker records. */
export type OwnEvaluation =
  | {
      readonly ok: true;
      /** What the indicator gives (undefined: no record counts, DHIS2 exports no value). */
      readonly value: number | undefined;
      readonly records: readonly {
        readonly uid: string;
        readonly kind: 'event' | 'enrollment';
        readonly enrollment: string | undefined;
        readonly date: string;
        readonly orgUnit: string;
        readonly programStage: string | undefined;
        readonly value: number;
      }[];
      /**
       * Per record (t2a's and DHIS2's listing): whether it meets each part of the indicator's rule, the
       * period boundaries first, then each part of the filter (core/explain-words.ts `filterParts`).
       */
      readonly partsMet: ReadonlyMap<string, readonly boolean[]>;
      /** When the tracker last changed each record it still has (t2a's and DHIS2's listing). */
      readonly updatedAt: ReadonlyMap<string, string | undefined>;
      /** Only when asked: each enrollment's attribute values by the attribute's name (never stored). */
      readonly attributes: ReadonlyMap<string, Record<string, string>> | undefined;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Evaluates the indicator with t2a's program indicator engine (src/program-indicators) over the
 * records `/api/tracker` gives under the cell's org unit: the check on DHIS2's own listing, and the
 * listing where the source cannot give one. Attribute values are read for the filter, in memory only.
 */
export async function evaluateOwn(
  resolved: ResolvedJob,
  detail: IndicatorDetail,
  cell: ExplainedCell,
  options: {
    readonly showAttributes: boolean;
    /** Records (besides those t2a counts) whose parts of the rule to test: DHIS2's listing. */
    readonly partsFor: readonly string[];
    /** A 2.42 disaggregated cell: only the records its categories' option filters give it. */
    readonly categories?: readonly CellCategory[] | undefined;
  },
): Promise<OwnEvaluation> {
  const { client, info } = resolved.source;
  try {
    const metadata = await fetchEvaluationMetadata(client, detail.id, detail.program.id);
    const version = { minor: info.version.minor, patch: info.version.patch };
    const compiled = compileProgramIndicator(metadata.indicator, metadata.lookup, {
      dhis2Version: version,
    });
    if (!compiled.ok) return { ok: false, reason: `t2a cannot evaluate it: ${compiled.reason}` };
    const { events, enrollments, data } = await readProgram(resolved, detail, cell);
    const period = parsePeriodId(cell.period, info.calendar)!;
    const today = new Date(
      info.serverDate ? `${info.serverDate.slice(0, 19)}Z` : `${resolved.today}T00:00:00Z`,
    );
    const orgUnits = new Set([
      ...events.map((event) => event.orgUnit),
      ...enrollments.map((enrollment) => enrollment.orgUnit),
    ]);
    const all = indicatorRecords(compiled.indicator, data, { orgUnits, period, today });
    const found = options.categories
      ? inCell(
          all,
          options.categories,
          metadata,
          { period, today, version },
          detail.aggregationType,
        )
      : all;
    const attributes = options.showAttributes
      ? attributesByEnrollment(enrollments, metadata.lookup)
      : undefined;
    const partsMet = meetsParts(
      compiled.indicator,
      metadata,
      options.partsFor,
      { data, period, today, version },
      found,
    );
    const wanted = new Set([...found.records.map((r) => r.row.id), ...options.partsFor]);
    return {
      ok: true,
      value: found.value,
      attributes,
      partsMet,
      updatedAt: new Map(
        compiled.indicator
          .rows(data)
          .filter((row) => wanted.has(row.id))
          .map((row) => [row.id, row.lastUpdated] as const),
      ),
      records: onePerDistinctKey(found)
        .filter((record) => record.value !== null && record.value !== 0)
        .map((record) => {
          const summary = recordSummary(record.row);
          return { ...summary, enrollment: summary.enrollment ?? undefined, value: record.value! };
        }),
    };
  } catch (error) {
    if (!isT2aError(error) || error.kind === 'connection') throw error;
    return { ok: false, reason: `the source did not give its tracker records (${error.message})` };
  }
}

type Lookup = Parameters<typeof compileProgramIndicator>[1];

/** The programme's tracker records under the cell's org unit, shaped as analytics holds them. */
async function readProgram(resolved: ResolvedJob, detail: IndicatorDetail, cell: ExplainedCell) {
  const { client, info } = resolved.source;
  const program = detail.program.id;
  const events = await fetchEventsUnder(client, info.profile, program, cell.sourceOrgUnit);
  const enrollments = detail.program.withRegistration
    ? await fetchEnrollmentsUnder(client, info.profile, program, cell.sourceOrgUnit)
    : [];
  return { events, enrollments, data: programDataFromTracker(program, { enrollments, events }) };
}

function attributesByEnrollment(
  enrollments: readonly TrackerEnrollment[],
  lookup: Lookup,
): Map<string, Record<string, string>> {
  return new Map(
    enrollments.map((enrollment) => [
      enrollment.enrollment,
      Object.fromEntries(
        (enrollment.attributes ?? []).flatMap((a) =>
          a.value === undefined
            ? []
            : [
                [
                  String(lookup('trackedEntityAttributes', a.attribute)?.name ?? a.attribute),
                  a.value,
                ],
              ],
        ),
      ),
    ]),
  );
}

/**
 * Whether each record meets each part of the indicator's rule: the indicator compiled once per part
 * (no filter: the period boundaries alone; then each part of the filter as the whole filter), each
 * asked about the record alone.
 */
function meetsParts(
  indicator: CompiledProgramIndicator,
  metadata: { readonly indicator: MetadataRecord; readonly lookup: Lookup },
  also: readonly string[],
  scope: {
    data: ProgramData;
    period: ReportingPeriod;
    today: Date;
    version: { minor: number; patch: number };
  },
  found: IndicatorContributions,
): Map<string, readonly boolean[]> {
  const variants = [undefined, ...filterParts(String(metadata.indicator.filter ?? ''))].map(
    (filter) => compileProgramIndicator({ ...metadata.indicator, filter }, metadata.lookup),
  );
  const wanted = new Set([...found.records.map((record) => record.row.id), ...also]);
  const met = new Map<string, readonly boolean[]>();
  for (const row of indicator.rows(scope.data)) {
    if (!wanted.has(row.id)) continue;
    met.set(
      row.id,
      variants.map(
        (variant) =>
          variant.ok &&
          variant.indicator.contributions([row], scope.period, scope.today).records.length > 0,
      ),
    );
  }
  return met;
}

/**
 * The records of one disaggregated cell: those whose every category has exactly one option filter
 * holding, the cell's. Each option filter is evaluated as the indicator's filter is (with DHIS2's null
 * replacement), where DHIS2 renders category filters without it: a record missing a value an option
 * filter compares may fall otherwise, and the add-up check then says so.
 */
function inCell(
  all: IndicatorContributions,
  categories: readonly CellCategory[],
  metadata: { readonly indicator: MetadataRecord; readonly lookup: Lookup },
  scope: { period: ReportingPeriod; today: Date; version: { minor: number; patch: number } },
  aggregationType: string,
): IndicatorContributions {
  const compiled = categories.map((category) =>
    category.options.map((option) => ({
      optionId: option.optionId,
      variant: option.filter
        ? compileProgramIndicator(
            { ...metadata.indicator, filter: option.filter },
            metadata.lookup,
            {
              dhis2Version: scope.version,
            },
          )
        : undefined,
    })),
  );
  const records = all.records.filter((record) =>
    compiled.every((options, index) => {
      const holding = options.filter(
        ({ variant }) =>
          variant?.ok &&
          variant.indicator.contributions([record.row], scope.period, scope.today).records.length >
            0,
      );
      return holding.length === 1 && holding[0]!.optionId === categories[index]!.wanted;
    }),
  );
  return { value: foldRecordValues(aggregationType, records), distinct: all.distinct, records };
}

/** A distinct count's records once per value it counts (`count(distinct tei)`): the first stands for all. */
function onePerDistinctKey(found: IndicatorContributions): IndicatorContributions['records'] {
  if (!found.distinct) return found.records;
  const seen = new Set<string>();
  return found.records.filter((record) => {
    if (record.distinctKey === undefined) return true;
    if (seen.has(record.distinctKey)) return false;
    seen.add(record.distinctKey);
    return true;
  });
}
