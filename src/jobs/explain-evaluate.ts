import { isT2aError } from '../core/errors.ts';
import type { ExplainedCell } from '../core/explain.ts';
import type { IndicatorDetail } from '../dhis2/event-query.ts';
import {
  fetchEnrollmentsUnder,
  fetchEvaluationMetadata,
  fetchEventsUnder,
} from '../dhis2/tracker-records.ts';
import { parsePeriodId } from '../periods/period.ts';
import { compileProgramIndicator } from '../program-indicators/compile.ts';
import {
  indicatorRecords,
  programDataFromTracker,
  recordSummary,
} from '../program-indicators/records.ts';
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
  showAttributes = false,
): Promise<OwnEvaluation> {
  const { client, info } = resolved.source;
  try {
    const metadata = await fetchEvaluationMetadata(client, detail.id, detail.program.id);
    const compiled = compileProgramIndicator(metadata.indicator, metadata.lookup, {
      dhis2Version: { minor: info.version.minor, patch: info.version.patch },
    });
    if (!compiled.ok) return { ok: false, reason: `t2a cannot evaluate it: ${compiled.reason}` };
    const events = await fetchEventsUnder(
      client,
      info.profile,
      detail.program.id,
      cell.sourceOrgUnit,
    );
    const enrollments = detail.program.withRegistration
      ? await fetchEnrollmentsUnder(client, info.profile, detail.program.id, cell.sourceOrgUnit)
      : [];
    const data = programDataFromTracker(detail.program.id, { enrollments, events });
    const period = parsePeriodId(cell.period, info.calendar)!;
    const today = new Date(
      info.serverDate ? `${info.serverDate.slice(0, 19)}Z` : `${resolved.today}T00:00:00Z`,
    );
    const orgUnits = new Set([
      ...events.map((event) => event.orgUnit),
      ...enrollments.map((enrollment) => enrollment.orgUnit),
    ]);
    const found = indicatorRecords(compiled.indicator, data, { orgUnits, period, today });
    const attributes = showAttributes
      ? new Map(
          enrollments.map((enrollment) => [
            enrollment.enrollment,
            Object.fromEntries(
              (enrollment.attributes ?? []).flatMap((a) =>
                a.value === undefined
                  ? []
                  : [
                      [
                        String(
                          metadata.lookup('trackedEntityAttributes', a.attribute)?.name ??
                            a.attribute,
                        ),
                        a.value,
                      ],
                    ],
              ),
            ),
          ]),
        )
      : undefined;
    return {
      ok: true,
      value: found.value,
      attributes,
      records: found.records
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
