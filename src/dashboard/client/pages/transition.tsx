import { NoticeBox } from '@dhis2/ui';
import type { Outcome, TransitionState } from '../../api-types.ts';
import { getJson } from '../api.ts';
import { Failure, failureText, JobChooser, Section, Table, useChosenJob } from '../parts.tsx';
import { useAnswer } from '../router.ts';

const percent = (value: number | undefined) =>
  value === undefined ? '—' : Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '∞';

function Comparison({ job, state }: { readonly job: string; readonly state: TransitionState }) {
  return (
    <>
      <p>
        Periods {state.periods.join(', ')}
        {state.ownValuesLeftOut
          ? ` · ${state.ownValuesLeftOut} value(s) t2a wrote itself left out of the manual side`
          : ''}
      </p>
      <Section title="Ready to end parallel reporting">
        {state.ready.length > 0 ? (
          <Table
            label={`${state.ready.length} facility(ies) ready (agreed within ${percent(state.tolerance)} for ${state.agreeFor} periods or more)`}
            headers={['Facility', 'UID', 'Periods agreeing']}
            numeric={[2]}
            rows={state.ready.map((r) => [r.name, r.orgUnit, r.periods])}
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
            t.key,
            t.manual,
            t.tracker,
            t.difference,
            percent(t.relative),
            t.differing,
          ])}
        />
      </Section>
      <Section title="Charts">
        <iframe
          title={`Comparison report of job ${job}`}
          src={`/api/transition/${encodeURIComponent(job)}/report`}
          sandbox="allow-scripts"
          style={{ width: '100%', height: 1400, border: 0, background: 'white' }}
        />
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
