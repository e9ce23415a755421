import { Button, colors, LinearLoader, NoticeBox, spacers, Tag } from '@dhis2/ui';
import { useEffect, useState } from 'react';
import type { JobReport, TargetReport } from '../../../core/report.ts';
import type { RestoreAnswer, RunDetail } from '../../api-types.ts';
import { getJson, postJson } from '../api.ts';
import {
  duration,
  Failure,
  failureText,
  IssueCard,
  Section,
  StatusTag,
  Table,
  when,
} from '../parts.tsx';
import { useAnswer } from '../router.ts';

type Sample = TargetReport['plan']['samples']['create'][number];
const valueText = (v: Sample) =>
  `${v.dataElement} ${v.categoryOptionCombo ?? 'default'} · ${v.period} · ${v.orgUnit} = ${v.value}`;

/** What the run would do (a dry run) or did: counts per data element and period, and examples. */
function Plan({ target }: { readonly target: TargetReport }) {
  const rows = Object.entries(target.plan.byDataElementPeriod).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  if (rows.length === 0) return null;
  const { samples } = target.plan;
  return (
    <Section title={`Plan for ${target.target}`}>
      <Table
        label={`What ${target.dryRun ? 'would be' : 'was'} sent to ${target.target}, per data element and period`}
        dataTest="plan"
        headers={['Data element and period', 'New', 'Changed', 'Same', 'Stale', 'Held by others']}
        numeric={[1, 2, 3, 4, 5]}
        rows={rows.map(([key, c]) => [
          key,
          c.create,
          c.update,
          c.unchanged,
          c.stale,
          c.heldByOthers ?? 0,
        ])}
      />
      <ul style={{ fontSize: 13, color: colors.grey800 }}>
        {samples.create.map((v) => (
          <li key={`n${valueText(v)}`}>new: {valueText(v)}</li>
        ))}
        {samples.update.map((u) => (
          <li key={`c${valueText(u.value)}`}>
            changed: {valueText(u.value)} (was {u.before})
          </li>
        ))}
        {samples.stale.map((v) => (
          <li key={`s${valueText(v)}`}>stale: {valueText(v)}</li>
        ))}
        {(samples.heldByOthers ?? []).map(({ value, held }) => (
          <li key={`o${valueText(held)}`}>
            held by others: {valueText(held)} (the tracker gives {value.value})
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Timings({ job }: { readonly job: JobReport }) {
  const timing = job.exports?.timings;
  if (!timing || timing.chunks === 0) return null;
  const split = job.exports && job.exports.requests > job.exports.chunks;
  return (
    <Section title="Chunk timings">
      <p>
        {timing.chunks} chunk(s): exports took {duration(timing.exportMs)} in all, deliveries{' '}
        {duration(timing.deliverMs)}
        {split
          ? `; ${job.exports?.requests} export requests, to keep URLs under ${job.exports?.maxUrlLength} bytes`
          : ''}
        .
      </p>
      <Table
        label="The slowest chunks"
        headers={['Periods', 'Org units', 'Export', 'Delivery']}
        numeric={[2, 3]}
        rows={timing.slowest.map((c) => [
          c.periods.join(', '),
          c.orgUnits,
          duration(c.exportMs),
          duration(c.deliverMs),
        ])}
      />
    </Section>
  );
}

function Report({ job }: { readonly job: JobReport }) {
  if (job.error)
    return (
      <Failure title={job.error.message} error={job.error.fix ? `Fix: ${job.error.fix}` : ''} />
    );
  const withIssues = job.targets.filter((target) => target.issues.length > 0);
  return (
    <>
      <p>
        {job.periods.join(', ') || '(no periods)'} · {job.orgUnitCount} org units ·{' '}
        {job.indicators.mapped} of {job.indicators.total} indicators mapped
        {job.sourceVersion ? ` · source DHIS2 ${job.sourceVersion}` : ''}
      </p>
      <Table
        label="Values per target"
        dataTest="counts"
        headers={[
          'Target',
          'Exported',
          'Withheld',
          'Unchanged',
          'Sent',
          'Imported',
          'Updated',
          'Ignored',
          'Deleted',
          'Conflicts',
          'Stale',
        ]}
        numeric={[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}
        rows={job.targets.map((t) => [
          `${t.target}${t.dryRun ? ' (dry run)' : ''}`,
          t.exported,
          t.withheld,
          t.unchanged,
          t.sent,
          t.counts.imported,
          t.counts.updated,
          t.counts.ignored,
          t.counts.deleted,
          t.conflicted,
          t.stale,
        ])}
      />
      {job.failedChunks.length > 0 && (
        <Section title="Failed chunks">
          {job.failedChunks.map((chunk) => (
            <Failure
              key={`${chunk.periods.join()}${chunk.orgUnits}`}
              title={`Periods ${chunk.periods.join(', ')}, org units ${chunk.orgUnits}`}
              error={`${chunk.error}${chunk.fix ? ` Fix: ${chunk.fix}` : ''}`}
            />
          ))}
        </Section>
      )}
      {withIssues.length > 0 && (
        <Section title="Conflicts and withheld values">
          {withIssues.map((target) => (
            <div key={target.target}>
              <h3 style={{ fontSize: 15, fontWeight: 500 }}>{target.target}</h3>
              {target.issues.map((issue) => (
                <IssueCard key={issue.cause} issue={issue} />
              ))}
            </div>
          ))}
        </Section>
      )}
      {job.targets.map((target) => (
        <Plan key={target.target} target={target} />
      ))}
      {job.completed !== undefined && (
        <p>Data set registrations marked complete: {job.completed}</p>
      )}
      <Timings job={job} />
    </>
  );
}

function Deletions({ detail, id }: { readonly detail: RunDetail; readonly id: string }) {
  const [restored, setRestored] = useState<RestoreAnswer>();
  const [busy, setBusy] = useState(false);
  if (detail.deletions.length === 0) return null;
  const shown = detail.deletions.slice(0, 200);
  const restore = async () => {
    setBusy(true);
    setRestored(
      await postJson<RestoreAnswer>(`/api/runs/${id}/restore`).catch((e: Error) => ({
        ok: false as const,
        error: e.message,
      })),
    );
    setBusy(false);
  };
  return (
    <Section title="Deleted values">
      <p>
        This run cleared {detail.deletions.length} value(s) t2a had written that the tracker no
        longer produces. Restoring puts them back exactly as they were and records them in the
        ledger again.
      </p>
      <Table
        label={`Values deleted by run ${id}`}
        dataTest="deletions"
        headers={['Target', 'Data element', 'Combo', 'Period', 'Org unit', 'Value']}
        rows={shown.map(({ target, value }) => [
          target,
          value.dataElement,
          value.categoryOptionCombo ?? 'default',
          value.period,
          value.orgUnit,
          value.value,
        ])}
      />
      {restored?.ok ? (
        <div role="status">
          <NoticeBox
            valid
            title={`Restored the ${restored.result.values} value(s) run ${id} deleted`}
          >
            {restored.result.targets
              .map((t) => `${t.target}: ${t.taken ?? 'unknown'} of ${t.values} taken back`)
              .join('; ')}
          </NoticeBox>
        </div>
      ) : (
        <>
          {restored && <Failure title="Nothing was restored" error={failureText(restored)} />}
          <Button primary onClick={restore} loading={busy} disabled={busy}>
            {`Restore ${detail.deletions.length} value(s)`}
          </Button>
        </>
      )}
    </Section>
  );
}

/** Follows a run started here through server-sent events; asks for the run again once it is over. */
function useLiveProgress(id: string, detail: RunDetail | undefined, reload: () => void) {
  const live = detail?.live;
  const [progress, setProgress] = useState({ done: live?.done ?? 0, total: live?.total ?? 0 });
  const running = Boolean(live && !live.finished);
  useEffect(() => {
    if (!running) return;
    const events = new EventSource(`/api/runs/${id}/events`);
    events.addEventListener('progress', (event) =>
      setProgress(JSON.parse((event as MessageEvent).data)),
    );
    events.addEventListener('finished', () => {
      events.close();
      reload();
    });
    return () => events.close();
  }, [id, running, reload]);
  // A run of another process (the scheduler, the command line) is read again until it is over.
  const elsewhere = !running && live === undefined && detail?.run?.status === 'running';
  useEffect(() => {
    if (!elsewhere) return;
    const timer = window.setInterval(reload, 3000);
    return () => window.clearInterval(timer);
  }, [elsewhere, reload]);
  return { running, ...progress };
}

/** One run: its state (live while it runs), counts per target, conflicts by cause, plan, deletions, timings. */
export function RunPage({ id }: { readonly id: string }) {
  const answer = useAnswer(() => getJson<RunDetail>(`/api/runs/${id}`), [id]);
  const detail = answer.value;
  const progress = useLiveProgress(id, detail, answer.reload);
  if (answer.error) return <Failure title={`Run ${id}`} error={answer.error} />;
  if (!detail) return <p>Reading the run…</p>;
  const { run } = detail;
  const status = progress.running ? 'running' : (run?.status ?? 'starting');
  return (
    <>
      <p
        style={{
          display: 'flex',
          gap: spacers.dp8,
          alignItems: 'center',
          flexWrap: 'wrap',
          color: colors.grey800,
        }}
        data-test="run-meta"
      >
        <StatusTag status={status} />
        {(run?.dryRun ?? detail.live?.dryRun) && <Tag neutral>dry run</Tag>}
        Job <a href="/jobs">{run?.job ?? detail.live?.job}</a>
        {run &&
          ` · started ${when(run.startedAt)} (${run.trigger}) · finished ${when(run.finishedAt)}`}
        {run && run.targetVersions.length > 0 && ` · target DHIS2 ${run.targetVersions.join(', ')}`}
      </p>
      {progress.running && (
        <div style={{ margin: `${spacers.dp16} 0`, maxWidth: 480 }} data-test="run-progress">
          <LinearLoader
            amount={progress.total ? (100 * progress.done) / progress.total : 0}
            margin="0"
          />
          <p aria-live="polite">
            {progress.total ? `${progress.done} of ${progress.total} chunks` : 'Starting…'}
          </p>
        </div>
      )}
      {run?.report ? (
        <Report job={run.report} />
      ) : run?.error ? (
        <Failure title="The run failed" error={run.error} />
      ) : null}
      {run && !progress.running && <Deletions detail={detail} id={id} />}
    </>
  );
}
