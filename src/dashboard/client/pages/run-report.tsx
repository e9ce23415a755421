import { colors } from '@dhis2/ui';
import type { ReactNode } from 'react';
import type { JobReport, TargetReport } from '../../../core/report.ts';
import type { CountName } from '../../../core/vocabulary.ts';
import type { Names } from '../../api-types.ts';
import { ExplainButton, ExplainProvider } from '../explain.tsx';
import { Named, periodLabel, periodsLabel } from '../names.tsx';
import { duration, Failure, IssueCard, Section, Table } from '../parts.tsx';
import { countLabel } from '../words.ts';

type Sample = TargetReport['plan']['samples']['create'][number];

/** One value as a person reads it: data element and org unit by name (ids on hover), the period named. */
function ValueText({ value, names }: { readonly value: Sample; readonly names: Names }) {
  return (
    <>
      <Named id={value.dataElement} of="dataElements" names={names} />{' '}
      {value.categoryOptionCombo ?? 'default'} · {periodLabel(value.period, names.periods)} ·{' '}
      <Named id={value.orgUnit} of="orgUnits" names={names} /> ={' '}
      <ExplainButton cell={value}>{value.value}</ExplainButton>
    </>
  );
}

const sampleKey = (kind: string, v: Sample) =>
  `${kind}${v.dataElement}${v.categoryOptionCombo}${v.period}${v.orgUnit}`;

/** What the run would do (a dry run) or did: counts per data element and period, and examples. */
function Plan({ target, names }: { readonly target: TargetReport; readonly names: Names }) {
  const rows = Object.entries(target.plan.byDataElementPeriod).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  if (rows.length === 0) return null;
  const { samples } = target.plan;
  const dry = target.dryRun;
  return (
    <Section title={`${dry ? 'What would be sent to' : 'What was sent to'} ${target.target}`}>
      <Table
        label={`What ${dry ? 'would be' : 'was'} sent to ${target.target}, per data element and period`}
        dataTest="plan"
        headers={[
          'Data element',
          'Period',
          countLabel('imported', dry),
          countLabel('updated', dry),
          countLabel('unchanged', dry),
          'Stale',
          `${countLabel('withheld', dry)}: held by others`,
        ]}
        numeric={[2, 3, 4, 5, 6]}
        rows={rows.map(([key, c]) => {
          const [dataElement = key, period = ''] = key.split(' ');
          return [
            <Named key="de" id={dataElement} of="dataElements" names={names} />,
            periodLabel(period, names.periods),
            c.create,
            c.update,
            c.unchanged,
            c.stale,
            c.heldByOthers ?? 0,
          ];
        })}
      />
      <ul style={{ fontSize: 13, color: colors.grey800 }} className="t2a-wrap">
        {samples.create.map((v) => (
          <li key={sampleKey('n', v)}>
            new: <ValueText value={v} names={names} />
          </li>
        ))}
        {samples.update.map((u) => (
          <li key={sampleKey('c', u.value)}>
            changed: <ValueText value={u.value} names={names} /> (was {u.before})
          </li>
        ))}
        {samples.stale.map((v) => (
          <li key={sampleKey('s', v)}>
            stale: <ValueText value={v} names={names} />
          </li>
        ))}
        {(samples.heldByOthers ?? []).map(({ value, held }) => (
          <li key={sampleKey('o', held)}>
            held by others: <ValueText value={held} names={names} /> (the tracker gives{' '}
            {value.value})
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Timings({ job, names }: { readonly job: JobReport; readonly names: Names }) {
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
          periodsLabel(c.periods, names.periods),
          c.orgUnits,
          duration(c.exportMs),
          duration(c.deliverMs),
        ])}
      />
    </Section>
  );
}

/** The counts of every target, in the words of src/core/vocabulary.ts ("Would import" in a dry run). */
const COUNTS: readonly (readonly [CountName, (t: TargetReport) => number])[] = [
  ['exported', (t) => t.exported],
  ['withheld', (t) => t.withheld],
  ['unchanged', (t) => t.unchanged],
  ['sent', (t) => t.sent],
  ['imported', (t) => t.counts.imported],
  ['updated', (t) => t.counts.updated],
  ['ignored', (t) => t.counts.ignored],
  ['deleted', (t) => t.counts.deleted],
  ['refused', (t) => t.conflicted],
];

function Issues({ job, runId }: { readonly job: JobReport; readonly runId: string }) {
  const withIssues = job.targets.filter((target) => target.issues.length > 0);
  if (withIssues.length === 0) return null;
  return (
    <Section title="Withheld and refused values">
      <p>
        Grouped by cause. t2a withheld some values itself; a target refused others.{' '}
        <a href={`/api/runs/${encodeURIComponent(runId)}/issues.csv`} download>
          Download the list as CSV
        </a>{' '}
        (one row per target, cause and object named; the history keeps what each cause names — data
        elements, org units, periods, combos — not every value).
      </p>
      {withIssues.map((target) => (
        <div key={target.target}>
          <h3 style={{ fontSize: 15, fontWeight: 500 }}>{target.target}</h3>
          {target.issues.map((issue) => (
            <IssueCard key={issue.cause} issue={issue} />
          ))}
        </div>
      ))}
    </Section>
  );
}

/** A finished run's report: counts per target, failed chunks, causes, plan, completeness, timings. */
export function Report({
  job,
  names,
  runId,
}: {
  readonly job: JobReport;
  readonly names: Names;
  readonly runId: string;
}): ReactNode {
  if (job.error)
    return (
      <Failure title={job.error.message} error={job.error.fix ? `Fix: ${job.error.fix}` : ''} />
    );
  const dry = job.targets.length > 0 && job.targets.every((target) => target.dryRun);
  return (
    <ExplainProvider job={job.job}>
      <p className="t2a-wrap" data-test="run-scope">
        {job.periods.map((period) => periodLabel(period, names.periods)).join(', ') ||
          '(no periods)'}{' '}
        · {job.orgUnitCount} org units · {job.indicators.mapped} of {job.indicators.total}{' '}
        indicators mapped
        {job.sourceVersion ? ` · source DHIS2 ${job.sourceVersion}` : ''}
      </p>
      <Table
        label="Values per target"
        dataTest="counts"
        headers={['Target', ...COUNTS.map(([name]) => countLabel(name, dry))]}
        numeric={COUNTS.map((_, index) => index + 1)}
        rows={job.targets.map((t) => [
          `${t.target}${t.dryRun ? ' (dry run)' : ''}`,
          ...COUNTS.map(([, count]) => count(t)),
        ])}
      />
      {job.failedChunks.length > 0 && (
        <Section title="Failed chunks">
          {job.failedChunks.map((chunk) => (
            <Failure
              key={`${chunk.periods.join()}${chunk.orgUnits}`}
              title={`Periods ${periodsLabel(chunk.periods, names.periods)}, org units ${chunk.orgUnits}`}
              error={`${chunk.error}${chunk.fix ? ` Fix: ${chunk.fix}` : ''}`}
            />
          ))}
        </Section>
      )}
      <Issues job={job} runId={runId} />
      {job.targets.map((target) => (
        <Plan key={target.target} target={target} names={names} />
      ))}
      {job.completed !== undefined && (
        <p>Data set registrations marked complete: {job.completed}</p>
      )}
      <Timings job={job} names={names} />
    </ExplainProvider>
  );
}
