import { Button, colors, NoticeBox, SimpleSingleSelectField, spacers, Tag } from '@dhis2/ui';
import { useState } from 'react';
import type { CountName } from '../../../core/vocabulary.ts';
import type { JobState, RunSummary } from '../../api-types.ts';
import { getJson } from '../api.ts';
import { periodsLabel } from '../names.tsx';
import { Failure, StatusTag, Table } from '../parts.tsx';
import { navigate, useAnswer } from '../router.ts';
import { clock, countLabel, runStatuses, zone } from '../words.ts';

type Filter = { readonly job: string; readonly status: string };

/** The filters, applied when the form is sent (so the address keeps them, and the list can be shared). */
function RunFilters({ initial }: { readonly initial: Filter }) {
  const [chosen, setChosen] = useState(initial);
  const jobs = useAnswer(() => getJson<JobState[]>('/api/jobs'), []);
  const filter = () => navigate(`/runs?${new URLSearchParams(chosen)}`);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        filter();
      }}
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: spacers.dp12,
        alignItems: 'flex-end',
        marginBottom: spacers.dp12,
      }}
    >
      <div style={{ width: 220, maxWidth: '100%' }}>
        <SimpleSingleSelectField
          label="Job"
          name="job"
          dataTest="filter-job"
          // @dhis2/ui shows the empty value as no choice: its placeholder says what empty means.
          placeholder="All jobs"
          value={chosen.job}
          options={[
            { label: 'All jobs', value: '' },
            ...(jobs.value ?? []).map((j) => ({ label: j.name, value: j.name })),
          ]}
          onChange={(job) => setChosen({ ...chosen, job })}
        />
      </div>
      <div style={{ width: 220, maxWidth: '100%' }}>
        <SimpleSingleSelectField
          label="Status"
          name="status"
          dataTest="filter-status"
          placeholder="Any status"
          value={chosen.status}
          options={[
            { label: 'Any status', value: '' },
            ...runStatuses().map((status) => ({ label: status, value: status })),
          ]}
          onChange={(status) => setChosen({ ...chosen, status })}
        />
      </div>
      <Button type="submit">Filter</Button>
    </form>
  );
}

/** The counts a list shows, in the words of src/core/vocabulary.ts. */
const COUNTS: readonly (readonly [CountName, (run: RunSummary) => number])[] = [
  ['exported', (run) => run.counts.exported],
  ['withheld', (run) => run.counts.withheld],
  ['sent', (run) => run.counts.sent],
  ['imported', (run) => run.counts.imported],
  ['updated', (run) => run.counts.updated],
  ['refused', (run) => run.counts.conflicted],
  ['deleted', (run) => run.counts.deleted],
];

/** A count of a run; a dry run's says it "would" happen, as its label in the vocabulary does. */
function Count({ run, name, value }: { run: RunSummary; name: CountName; value: number }) {
  const would = run.dryRun && countLabel(name, true) !== countLabel(name, false);
  if (!would) return <>{value}</>;
  return (
    <span title={`${countLabel(name, true)}: ${value}`}>
      <span style={{ color: colors.grey700, fontSize: 12 }}>would </span>
      {value}
    </span>
  );
}

/** The history, newest first, filtered by job and status (kept in the address, so it can be shared). */
export function RunsPage({ url }: { readonly url: URL }) {
  const job = url.searchParams.get('job') ?? '';
  const status = url.searchParams.get('status') ?? '';
  const runs = useAnswer(
    () => getJson<RunSummary[]>(`/api/runs?${new URLSearchParams({ job, status })}`),
    [job, status],
  );
  const first = 6;
  return (
    <>
      <RunFilters initial={{ job, status }} />
      {runs.error && <Failure title="The runs could not be read" error={runs.error} />}
      {runs.value && runs.value.length === 0 && (
        <NoticeBox title="No runs">No run matches. Start one from the Jobs page.</NoticeBox>
      )}
      {runs.value && runs.value.length > 0 && (
        <Table
          label={`${runs.value.length} run(s)`}
          dataTest="runs"
          headers={[
            'Run',
            'Job',
            'Status',
            'Started by',
            `Started (${zone()})`,
            'Periods',
            ...COUNTS.map(([name]) => countLabel(name, false)),
          ]}
          numeric={COUNTS.map((_, index) => first + index)}
          rows={runs.value.map((run) => [
            <a key="id" href={`/runs/${run.id}`}>
              {run.id}
            </a>,
            run.job,
            <span key="status" style={{ whiteSpace: 'nowrap' }}>
              <StatusTag status={run.status} why={run.dead} />{' '}
              {run.dryRun && <Tag neutral>dry run</Tag>}
            </span>,
            run.startedBy,
            clock(run.startedAt),
            periodsLabel(run.periods, run.periodNames),
            ...COUNTS.map(([name, value]) => (
              <Count key={name} run={run} name={name} value={value(run)} />
            )),
          ])}
        />
      )}
    </>
  );
}
