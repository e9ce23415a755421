import { Button, ButtonStrip, colors, spacers, Tag } from '@dhis2/ui';
import { useEffect, useState } from 'react';
import type { JobState } from '../../api-types.ts';
import { getJson, postJson } from '../api.ts';
import { CancelButton } from '../cancel.tsx';
import { card, Failure, StatusTag } from '../parts.tsx';
import { navigate, useAnswer } from '../router.ts';
import { when } from '../words.ts';
import { LockOuts } from './lock-outs.tsx';

function analytics(state: JobState): { text: string; problem: boolean } {
  const a = state.analytics;
  if ('checking' in a) return { text: `asking ${state.source}…`, problem: false };
  if (a.mode === 'off') return { text: 'not checked (analytics.mode: off)', problem: false };
  if (a.problem) return { text: a.problem, problem: true };
  if (a.ageHours === undefined)
    return { text: `analytics has never run on ${state.source}`, problem: true };
  const age =
    a.ageHours < 1 ? `${Math.round(a.ageHours * 60)} min old` : `${a.ageHours.toFixed(1)} h old`;
  if (a.mode === 'run')
    return { text: `${age}; the job runs analytics before it exports`, problem: false };
  return a.ageHours > a.maxAgeHours
    ? {
        text: `${age}, over the job's limit of ${a.maxAgeHours} h: the next run will refuse to export`,
        problem: true,
      }
    : { text: `${age} (limit ${a.maxAgeHours} h)`, problem: false };
}

function Validation({ state }: { readonly state: JobState }) {
  const v = state.validation;
  if ('checking' in v) return <span>checking against the instances…</span>;
  if ('failed' in v) return <span style={{ color: colors.red700 }}>not checked: {v.failed}</span>;
  return (
    <span>
      {v.errors > 0 ? (
        <Tag negative bold>{`${v.errors} error(s): the job will not run until they are fixed`}</Tag>
      ) : (
        <Tag positive bold>
          valid
        </Tag>
      )}{' '}
      {v.warnings > 0 && (
        <a href={`/mapping?job=${encodeURIComponent(state.name)}`}>{v.warnings} warning(s)</a>
      )}
    </span>
  );
}

/** What an administrator checks first: where, when, how the last run went, analytics, mapping. */
function JobFacts({ state }: { readonly state: JobState }) {
  const age = analytics(state);
  const last = state.lastRun;
  const rows: [string, React.ReactNode][] = [
    ['Source → targets', `${state.source} → ${state.targets.join(', ')}`],
    [
      'Schedule',
      state.schedule
        ? `${state.schedule} (${state.timeZone}); next run ${when(state.nextRun)}`
        : 'none: runs only when started',
    ],
    [
      'Last run',
      last ? (
        <span key="last">
          <StatusTag status={last.status} /> <a href={`/runs/${last.id}`}>{when(last.startedAt)}</a>
          {last.dryRun ? ' (dry run)' : ''} · started by {last.startedBy}
        </span>
      ) : (
        'never'
      ),
    ],
    [
      'Analytics',
      <span key="analytics" style={{ color: age.problem ? colors.red700 : undefined }}>
        {age.text}
      </span>,
    ],
    ['Mapping', <Validation key="mapping" state={state} />],
  ];
  return (
    <dl
      className="t2a-wrap"
      style={{
        display: 'grid',
        gridTemplateColumns: 'max-content minmax(0, 1fr)',
        gap: `${spacers.dp4} ${spacers.dp16}`,
        margin: `0 0 ${spacers.dp16}`,
      }}
    >
      {rows.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt style={{ color: colors.grey700 }}>{term}</dt>
          <dd style={{ margin: 0 }} data-test={`job-${term.toLowerCase().split(' ')[0]}`}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The run going on: who started it, the way to watch it, and its Cancel when it was started here. */
function Running({ state, onChange }: { readonly state: JobState; readonly onChange: () => void }) {
  const running = state.running;
  if (!running) return null;
  return (
    <div role="status" style={{ marginBottom: spacers.dp12 }} data-test="job-running">
      <p style={{ margin: `0 0 ${spacers.dp8}` }}>
        A run is going on, started by {running.startedBy}:{' '}
        <a href={`/runs/${running.id}`}>watch it</a>.{' '}
        {running.cancellable
          ? 'Run now and Dry run wait until it is over.'
          : 'It runs in another process (the scheduler or the command line): it stops there.'}
      </p>
      {running.cancellable && <CancelButton runId={running.id} onCancelled={onChange} />}
    </div>
  );
}

function JobCard({ state, onChange }: { readonly state: JobState; readonly onChange: () => void }) {
  const [error, setError] = useState<string>();
  const [starting, setStarting] = useState(false);
  const start = async (dryRun: boolean) => {
    setStarting(true);
    try {
      const { runId } = await postJson<{ runId: string }>(
        `/api/jobs/${encodeURIComponent(state.name)}/run`,
        { dryRun },
      );
      navigate(`/runs/${runId}`);
    } catch (failure) {
      setError((failure as Error).message);
      setStarting(false);
      onChange();
    }
  };
  // One run of a job at a time: the buttons wait while one goes (here or in another process).
  const busy = starting || state.running !== undefined;
  return (
    <section style={card} aria-labelledby={`job-${state.name}`} data-test="job-card">
      <h2 id={`job-${state.name}`} style={{ fontSize: 18, fontWeight: 500, marginTop: 0 }}>
        {state.name}
      </h2>
      <JobFacts state={state} />
      {error && <Failure title="The run did not start" error={error} />}
      <Running state={state} onChange={onChange} />
      <ButtonStrip>
        <Button onClick={() => start(true)} disabled={busy}>
          Dry run
        </Button>
        <Button primary onClick={() => start(false)} disabled={busy}>
          Run now
        </Button>
      </ButtonStrip>
    </section>
  );
}

/** Every job of the configuration, with what an administrator checks first and the two buttons. */
export function JobsPage() {
  const jobs = useAnswer(() => getJson<JobState[]>('/api/jobs'), []);
  // Asked again while a server has yet to answer or a run goes, and every half minute for the last runs.
  const soon = (jobs.value ?? []).some(
    (job) =>
      'checking' in job.analytics || 'checking' in job.validation || job.running !== undefined,
  );
  const { reload } = jobs;
  useEffect(() => {
    const timer = window.setInterval(reload, soon ? 1000 : 30_000);
    return () => window.clearInterval(timer);
  }, [soon, reload]);
  if (jobs.error) return <Failure title="The jobs could not be read" error={jobs.error} />;
  if (!jobs.value) return <p>Reading the jobs…</p>;
  return (
    <>
      <LockOuts />
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(min(420px, 100%), 1fr))',
          gap: spacers.dp16,
        }}
      >
        {jobs.value.map((job) => (
          <JobCard key={job.name} state={job} onChange={reload} />
        ))}
      </div>
    </>
  );
}
