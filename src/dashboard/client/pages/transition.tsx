import { NoticeBox } from '@dhis2/ui';
import type { ReactNode } from 'react';
import type { Outcome, TransitionState } from '../../api-types.ts';
import { getJson } from '../api.ts';
import { cellOfRow, ExplainButton, ExplainProvider } from '../explain.tsx';
import { periodLabel } from '../names.tsx';
import { Failure, failureText, JobChooser, Section, Table, useChosenJob } from '../parts.tsx';
import { navigate, useAnswer } from '../router.ts';
import { facilityMonthPath } from './facility-month.tsx';

/** About the width the report's table of largest discrepancies takes with facility names of DHIS2's usual length. */
const REPORT_MIN_WIDTH = 720;

const percent = (value: number | undefined) =>
  value === undefined ? '—' : Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '∞';

/**
 * Nothing to compare: the page says why, and what shadow data is and how a job gets it, instead of a
 * table of zeros.
 */
function NoShadowData({ job, state }: { readonly job: string; readonly state: TransitionState }) {
  if (state.shadowSuffix)
    return (
      <NoticeBox title="No shadow data yet" dataTest="no-shadow-data">
        Job {job} delivers into shadow data elements (their codes end in{' '}
        <code>{state.shadowSuffix}</code>), but they hold no value for these periods. Run the job
        (Run now on the Jobs page, or <code>t2a sync --job {job}</code>), then come back.
      </NoticeBox>
    );
  return (
    <NoticeBox title="This job has no shadow data" dataTest="no-shadow-data">
      <p>
        While tracker replaces paper, facilities report both ways for a while. Shadow data are what
        makes the two comparable: t2a delivers the tracker numbers into <em>shadow</em> data
        elements (the real codes with a suffix, such as <code>IMM_BCG_DOSES_TRACKER</code>), so the
        real data elements keep what facilities typed by hand.
      </p>
      <p>
        Job {job} has none, so t2a compares with what the target holds that t2a did not write
        itself, and there is nothing of that in these periods
        {state.ownValuesLeftOut ? ` (${state.ownValuesLeftOut} value(s) there are t2a's own)` : ''}.
        To compare, create the shadow data elements in the target (each with its real code and the
        suffix, in the same data set) and give the job a suffix in the configuration:
      </p>
      <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
        {`jobs:\n  - name: ${job}\n    shadow: { suffix: _TRACKER }`}
      </pre>
    </NoticeBox>
  );
}

/**
 * The comparison report in a frame. The report (src/report) lays its largest discrepancies out in a
 * table of eight columns: on a narrow screen its frame keeps the width that table needs and scrolls
 * sideways in its own box, as the tables do; downwards the report scrolls inside its frame, whose height
 * is the window's.
 */
function ReportFrame({ job }: { readonly job: string }) {
  return (
    <section
      className="t2a-scroll"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard (WCAG 2.1.1)
      tabIndex={0}
      aria-label="The comparison report"
      data-test="report-scroll"
    >
      <iframe
        title={`Comparison report of job ${job}`}
        src={`/api/transition/${encodeURIComponent(job)}/report`}
        sandbox="allow-scripts"
        style={{
          display: 'block',
          width: '100%',
          minWidth: REPORT_MIN_WIDTH,
          height: '80vh',
          minHeight: 400,
          border: 0,
          background: 'white',
        }}
      />
    </section>
  );
}

const shown = (value: number | undefined) => (value === undefined ? '—' : value);

/** A facility's name as a link to its month of values, each with its explanation and manual number. */
function FacilityLink({
  job,
  orgUnit,
  period,
  children,
}: {
  readonly job: string;
  readonly orgUnit: string;
  readonly period: string;
  readonly children: ReactNode;
}) {
  const path = facilityMonthPath(job, orgUnit, period);
  return (
    <a
      href={path}
      title={orgUnit}
      onClick={(event) => {
        event.preventDefault();
        navigate(path);
      }}
    >
      {children}
    </a>
  );
}

/**
 * The values that differ most, one target cell a row: its tracker number, manual number and their
 * difference each open that cell's explanation; the facility opens its month of values with the manual
 * number beside each.
 */
function Differences({ job, state }: { readonly job: string; readonly state: TransitionState }) {
  if (state.differences.length === 0) return null;
  return (
    <Section title="Where tracker and manual differ most">
      <ExplainProvider job={job}>
        <Table
          label={`The ${state.differences.length} largest differences`}
          dataTest="differences"
          headers={['Facility', 'Period', 'Data element', 'Tracker', 'Manual', 'Difference']}
          numeric={[3, 4, 5]}
          rows={state.differences.map((row) => {
            const cell = cellOfRow(row);
            return [
              <FacilityLink key="ou" job={job} orgUnit={row.orgUnit} period={row.period}>
                {row.name}
              </FacilityLink>,
              periodLabel(row.period, state.periodNames),
              `${row.dataElement} ${row.categoryOptionCombo ?? 'default'}`,
              <ExplainButton key="t" cell={cell}>
                {shown(row.tracker)}
              </ExplainButton>,
              <ExplainButton key="m" cell={cell}>
                {shown(row.manual)}
              </ExplainButton>,
              <ExplainButton key="d" cell={cell}>
                {shown(row.difference)}
              </ExplainButton>,
            ];
          })}
        />
      </ExplainProvider>
    </Section>
  );
}

function Comparison({ job, state }: { readonly job: string; readonly state: TransitionState }) {
  // Without shadow data elements the manual side is what t2a did not write; with them, the tracker side
  // is what t2a wrote there: none of it leaves nothing to compare.
  if (state.shadowSuffix ? state.trackerValues === 0 : state.manualValues === 0)
    return <NoShadowData job={job} state={state} />;
  const latest = [...state.periods].sort().at(-1);
  return (
    <>
      <p className="t2a-wrap">
        Periods {state.periods.map((period) => periodLabel(period, state.periodNames)).join(', ')}
        {state.ownValuesLeftOut
          ? ` · ${state.ownValuesLeftOut} value(s) t2a wrote itself left out of the manual side`
          : ''}
      </p>
      <Section title="Ready to end parallel reporting">
        {state.ready.length > 0 ? (
          <Table
            label={`${state.ready.length} facility(ies) ready (agreed within ${percent(state.tolerance)} for ${state.agreeFor} periods or more)`}
            headers={['Facility', 'Periods agreeing']}
            numeric={[1]}
            rows={state.ready.map((r) => [
              // A facility's agreement spans periods: it opens its latest month of values.
              latest ? (
                <FacilityLink key="ou" job={job} orgUnit={r.orgUnit} period={latest}>
                  {r.name}
                </FacilityLink>
              ) : (
                <span key="ou" title={r.orgUnit}>
                  {r.name}
                </span>
              ),
              r.periods,
            ])}
          />
        ) : (
          <NoticeBox title="No facility is ready yet">
            A facility is ready once its tracker and manual numbers agree within{' '}
            {percent(state.tolerance)} for {state.agreeFor} periods in a row.
          </NoticeBox>
        )}
      </Section>
      <Section title="Tracker against manual, per period">
        <Table
          label="Totals per period"
          dataTest="totals"
          headers={['Period', 'Manual', 'Tracker', 'Difference', 'Relative', 'Values differing']}
          numeric={[1, 2, 3, 4, 5]}
          rows={state.byPeriod.map((t) => [
            periodLabel(t.key, state.periodNames),
            t.manual,
            t.tracker,
            t.difference,
            percent(t.relative),
            t.differing,
          ])}
        />
      </Section>
      <Differences job={job} state={state} />
      <Section title="Charts">
        <ReportFrame job={job} />
      </Section>
    </>
  );
}

/**
 * Parallel reporting (`t2a compare`): tracker against manual per period, the facilities whose numbers
 * have agreed long enough to stop reporting by hand, and the comparison report's charts.
 */
export function TransitionPage({ url }: { readonly url: URL }) {
  const { jobs, job } = useChosenJob(url);
  const answer = useAnswer(
    () =>
      job
        ? getJson<Outcome<{ state: TransitionState }>>(`/api/transition/${encodeURIComponent(job)}`)
        : Promise.resolve(undefined),
    [job],
  );
  if (!job)
    return jobs.error ? <Failure title="The jobs could not be read" error={jobs.error} /> : null;
  const outcome = answer.value;
  const failed = answer.error ?? (outcome && !outcome.ok ? failureText(outcome) : undefined);
  return (
    <>
      <JobChooser jobs={jobs.value ?? []} job={job} path="/transition" />
      {failed && <Failure title="The comparison could not be made" error={failed} />}
      {!failed && !outcome && <p>Comparing tracker and manual numbers…</p>}
      {outcome?.ok && <Comparison job={job} state={outcome.state} />}
    </>
  );
}
