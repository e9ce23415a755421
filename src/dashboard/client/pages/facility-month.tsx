import { NoticeBox } from '@dhis2/ui';
import type { FacilityMonthAnswer } from '../../api-types.ts';
import { getJson } from '../api.ts';
import { cellOfRow, ExplainButton, ExplainProvider } from '../explain.tsx';
import { Failure, failureText, Table } from '../parts.tsx';
import { useAnswer } from '../router.ts';

const number = (value: number | undefined) => (value === undefined ? '—' : value);

/** The address of a facility's month: from the Transition page's differences, or typed. */
export const facilityMonthPath = (job: string, orgUnit: string, period: string) =>
  `/facility-month?${new URLSearchParams({ job, orgUnit, period })}`;

/**
 * All of one facility's values for one period: the tracker number t2a delivers, the manual (shadow)
 * number beside it and their difference, each value opening its explanation.
 */
export function FacilityMonthPage({ url }: { readonly url: URL }) {
  const job = url.searchParams.get('job') ?? '';
  const orgUnit = url.searchParams.get('orgUnit') ?? '';
  const period = url.searchParams.get('period') ?? '';
  const answer = useAnswer(
    () =>
      getJson<FacilityMonthAnswer>(
        `/api/facility-month/${encodeURIComponent(job)}?${new URLSearchParams({ orgUnit, period })}`,
      ),
    [job, orgUnit, period],
  );
  const outcome = answer.value;
  const failed = answer.error ?? (outcome && !outcome.ok ? failureText(outcome) : undefined);
  if (failed) return <Failure title="The facility's values could not be read" error={failed} />;
  if (!outcome?.ok) return <p>Reading the facility's values…</p>;
  const { month } = outcome;
  return (
    <ExplainProvider job={month.job}>
      <p className="t2a-wrap" data-test="facility-month-scope">
        {month.orgUnitName} ({month.orgUnit}) · {month.period} · job {month.job}. Choose a number to
        see where it comes from.
      </p>
      {month.rows.length === 0 ? (
        <NoticeBox title="No values">Neither tracker nor manual numbers for this period.</NoticeBox>
      ) : (
        <Table
          label={`Values of ${month.orgUnitName} for ${month.period}`}
          dataTest="facility-month"
          headers={['Data element', 'Combo', 'Tracker (t2a)', 'Manual', 'Difference']}
          numeric={[2, 3, 4]}
          rows={month.rows.map((row) => {
            const cell = cellOfRow(row);
            return [
              row.dataElement,
              row.categoryOptionCombo ?? 'default',
              <ExplainButton key="t" cell={cell}>
                {number(row.tracker)}
              </ExplainButton>,
              number(row.manual),
              number(row.difference),
            ];
          })}
        />
      )}
    </ExplainProvider>
  );
}
