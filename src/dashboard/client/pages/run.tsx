import { Button, colors, LinearLoader, NoticeBox, spacers, Tag } from '@dhis2/ui';
import { useEffect, useState } from 'react';
import type { RestoreAnswer, RunDetail } from '../../api-types.ts';
import { getJson, postJson } from '../api.ts';
import { CancelButton } from '../cancel.tsx';
import { Named, periodLabel } from '../names.tsx';
import { Failure, failureText, Section, StatusTag, Table } from '../parts.tsx';
import { useAnswer } from '../router.ts';
import { when } from '../words.ts';
import { Report } from './run-report.tsx';

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
          <Named key="de" id={value.dataElement} of="dataElements" names={detail.names} />,
          value.categoryOptionCombo ?? 'default',
          periodLabel(value.period, detail.names.periods),
          <Named key="ou" id={value.orgUnit} of="orgUnits" names={detail.names} />,
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

/** Who started the run and when, where it ran, and why a run shown as abandoned is. */
function RunMeta({ detail, running }: { readonly detail: RunDetail; readonly running: boolean }) {
  const { run } = detail;
  const status = running ? 'running' : (run?.status ?? 'starting');
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
        className="t2a-wrap"
        data-test="run-meta"
      >
        <StatusTag status={status} why={run?.dead} />
        {(run?.dryRun ?? detail.live?.dryRun) && <Tag neutral>dry run</Tag>}
        Job <a href="/jobs">{run?.job ?? detail.live?.job}</a>
        {' · '}
        <span data-test="run-started-by">Started by: {run?.startedBy ?? detail.live?.user}</span>
        {run && ` · started ${when(run.startedAt)} · finished ${when(run.finishedAt)}`}
        {run && run.targetVersions.length > 0 && ` · target DHIS2 ${run.targetVersions.join(', ')}`}
      </p>
      {run?.dead && (
        <div data-test="run-dead" style={{ margin: `${spacers.dp8} 0` }}>
          <NoticeBox warning title="Shown as abandoned: this run is not running">
            The history still says running, but {run.dead}. The next run of the job takes its lock
            over and records it as abandoned; nothing is lost, as the next run sends what this one
            did not.
          </NoticeBox>
        </div>
      )}
    </>
  );
}

/** One run: its state (live while it runs, with Cancel), counts per target, causes, plan, deletions. */
export function RunPage({ id }: { readonly id: string }) {
  const answer = useAnswer(() => getJson<RunDetail>(`/api/runs/${id}`), [id]);
  const detail = answer.value;
  const progress = useLiveProgress(id, detail, answer.reload);
  if (answer.error) return <Failure title={`Run ${id}`} error={answer.error} />;
  if (!detail) return <p>Reading the run…</p>;
  const { run } = detail;
  return (
    <>
      <RunMeta detail={detail} running={progress.running} />
      {progress.running && (
        <div style={{ margin: `${spacers.dp16} 0`, maxWidth: 480 }} data-test="run-progress">
          <LinearLoader
            amount={progress.total ? (100 * progress.done) / progress.total : 0}
            margin="0"
          />
          <p aria-live="polite">
            {progress.total ? `${progress.done} of ${progress.total} chunks` : 'Starting…'}
          </p>
          {detail.cancellable && <CancelButton runId={id} onCancelled={answer.reload} />}
        </div>
      )}
      {run?.report ? (
        <Report job={run.report} names={detail.names} runId={run.id} />
      ) : run?.error ? (
        <Failure title="The run failed" error={run.error} />
      ) : null}
      {run && !progress.running && <Deletions detail={detail} id={id} />}
    </>
  );
}
