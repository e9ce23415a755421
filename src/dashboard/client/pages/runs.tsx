import { Button, NoticeBox, SimpleSingleSelectField, spacers } from '@dhis2/ui';
import { useState } from 'react';
import type { JobState, RunSummary } from '../../api-types.ts';
import { getJson } from '../api.ts';
import { Failure, StatusTag, Table, when } from '../parts.tsx';
import { navigate, useAnswer } from '../router.ts';

const STATUSES = ['running', 'success', 'conflicts', 'failed', 'abandoned'] as const;

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
        gap: spacers.dp12,
        alignItems: 'flex-end',
        marginBottom: spacers.dp12,
      }}
    >
      <div style={{ width: 220 }}>
        <SimpleSingleSelectField
          label="Job"
          name="job"
          dataTest="filter-job"
          value={chosen.job}
          options={[
            { label: 'All jobs', value: '' },
            ...(jobs.value ?? []).map((j) => ({ label: j.name, value: j.name })),
          ]}
          onChange={(job) => setChosen({ ...chosen, job })}
        />
      </div>
      <div style={{ width: 220 }}>
        <SimpleSingleSelectField
          label="Status"
          name="status"
          dataTest="filter-status"
          value={chosen.status}
          options={[
            { label: 'Any status', value: '' },
            ...STATUSES.map((status) => ({ label: status, value: status })),
          ]}
          onChange={(status) => setChosen({ ...chosen, status })}
        />
      </div>
      <Button type="submit">Filter</Button>
    </form>
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
            'Started',
            'Periods',
            'Sent',
            'Stored',
            'Withheld',
            'Conflicts',
            'Deleted',
          ]}
          numeric={[6, 7, 8, 9, 10]}
          rows={runs.value.map((run) => [
            <a key="id" href={`/runs/${run.id}`}>
              {run.id}
            </a>,
            run.job,
            <StatusTag key="status" status={run.status} />,
            run.dryRun ? 'dry run' : run.trigger,
            when(run.startedAt),
            run.periods.join(', '),
            run.counts.sent,
            run.counts.imported + run.counts.updated,
            run.counts.withheld,
            run.counts.conflicted,
            run.counts.deleted,
          ])}
        />
      )}
    </>
  );
}
