import {
  colors,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  elevations,
  NoticeBox,
  SimpleSingleSelectField,
  spacers,
  Tag,
} from '@dhis2/ui';
import type { CSSProperties, ReactNode } from 'react';
import type { Issue } from '../../core/issues.ts';
import type { RunStatus } from '../../core/vocabulary.ts';
import type { JobState } from '../api-types.ts';
import { getJson } from './api.ts';
import { navigate, useAnswer } from './router.ts';
import { statusMeaning } from './words.ts';

/** Statuses that leave values missing; refused and busy runs did not start, which is no failure. */
const TROUBLED: ReadonlySet<string> = new Set(['failed', 'incomplete', 'empty']);

/**
 * A run's status as DHIS2 apps show one: a coloured tag with the word of src/core/vocabulary.ts, never
 * colour alone, and what the word means on hover.
 */
export function StatusTag({
  status,
  why,
}: {
  readonly status: RunStatus | 'starting';
  /** Why the run is shown with this status where the history says another (a dead run). */
  readonly why?: string | undefined;
}) {
  const meaning = status === 'starting' ? 'starting' : statusMeaning(status);
  return (
    <span title={why ? `${meaning}: ${why}` : meaning}>
      <Tag
        dataTest="run-status"
        positive={status === 'success'}
        negative={TROUBLED.has(status)}
        neutral={status === 'running' || status === 'starting' || status === 'abandoned'}
        bold
      >
        {status}
      </Tag>
    </span>
  );
}

export const duration = (ms: number): string =>
  ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

export const card: CSSProperties = {
  background: colors.white,
  boxShadow: elevations.e100,
  borderRadius: 4,
  padding: spacers.dp16,
  marginBottom: spacers.dp16,
};

export function Section({
  title,
  children,
}: {
  readonly title: string;
  readonly children: ReactNode;
}) {
  return (
    <section aria-label={title} style={{ marginTop: spacers.dp24 }}>
      <h2 style={{ fontSize: 18, fontWeight: 500, margin: `0 0 ${spacers.dp8}` }}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * A table of @dhis2/ui with a label for screen readers; numeric columns right-aligned, headings too. On
 * a narrow screen the table scrolls inside its own box (which the keyboard can reach), not the page.
 */
export function Table({
  label,
  headers,
  rows,
  numeric = [],
  dataTest,
  wrap = false,
}: {
  readonly label: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly ReactNode[])[];
  readonly numeric?: readonly number[];
  readonly dataTest?: string;
  /** Cells of prose (findings) wrap; others keep to one line and the table scrolls in its box. */
  readonly wrap?: boolean;
}) {
  return (
    <section
      aria-label={label}
      className="t2a-scroll"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard (WCAG 2.1.1)
      tabIndex={0}
      data-test="table-scroll"
      style={{ margin: `${spacers.dp8} 0 ${spacers.dp16}` }}
    >
      <DataTable dataTest={dataTest ?? 'table'} className={wrap ? '' : 't2a-nowrap'}>
        <DataTableHead>
          <DataTableRow>
            {headers.map((header, index) => (
              <DataTableColumnHeader
                key={header}
                align={numeric.includes(index) ? 'right' : 'left'}
                className={numeric.includes(index) ? 't2a-numeric' : ''}
              >
                {header}
              </DataTableColumnHeader>
            ))}
          </DataTableRow>
        </DataTableHead>
        <DataTableBody>
          {rows.map((row, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
            <DataTableRow key={r}>
              {row.map((cell, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                <DataTableCell key={index} align={numeric.includes(index) ? 'right' : 'left'}>
                  {cell}
                </DataTableCell>
              ))}
            </DataTableRow>
          ))}
        </DataTableBody>
      </DataTable>
    </section>
  );
}

/**
 * Why values did not arrive: one notice per cause, the objects named and the fix beside them. Values the
 * target refused carry DHIS2's own messages ("DHIS2: …", core/issues.ts); the others t2a withheld.
 */
export function IssueCard({ issue }: { readonly issue: Issue }) {
  const refused = issue.messages.some((message) => message.startsWith('DHIS2:'));
  return (
    <div style={{ marginBottom: spacers.dp12 }} data-test="issue">
      <NoticeBox
        warning={!refused}
        error={refused}
        title={`${issue.title}: ${issue.count} value(s)`}
      >
        <Tag negative={refused} bold>
          {refused ? 'refused by the target' : 'withheld by t2a'}
        </Tag>
        {issue.objects.length > 0 && (
          <p data-test="issue-objects" className="t2a-wrap">
            {issue.objects.join('; ')}
          </p>
        )}
        {issue.messages.map((message) => (
          <p key={message} style={{ color: colors.grey800 }}>
            {message}
          </p>
        ))}
        <p data-test="issue-fix">
          <strong>Fix:</strong> {issue.fix}
        </p>
      </NoticeBox>
    </div>
  );
}

export function Failure({ title, error }: { readonly title: string; readonly error: string }) {
  return (
    <div role="alert" style={{ margin: `${spacers.dp8} 0` }}>
      <NoticeBox error title={title}>
        {error}
      </NoticeBox>
    </div>
  );
}

/** The job a page is about: the one in the address, or the first of the configuration. */
export function useChosenJob(url: URL) {
  const jobs = useAnswer(() => getJson<JobState[]>('/api/jobs'), []);
  return { jobs, job: url.searchParams.get('job') ?? jobs.value?.[0]?.name };
}

/** Which job a page shows; choosing another changes the address. */
export function JobChooser({
  jobs,
  job,
  path,
}: {
  readonly jobs: readonly JobState[];
  readonly job: string;
  readonly path: string;
}) {
  return (
    <div style={{ width: 260, maxWidth: '100%', marginBottom: spacers.dp16 }}>
      <SimpleSingleSelectField
        label="Job"
        name="job"
        value={job}
        options={jobs.map((j) => ({ label: j.name, value: j.name }))}
        onChange={(chosen) => navigate(`${path}?job=${encodeURIComponent(chosen)}`)}
      />
    </div>
  );
}

export const failureText = (outcome: { error: string; fix?: string | undefined }) =>
  `${outcome.error}${outcome.fix ? ` Fix: ${outcome.fix}` : ''}`;
