import {
  Button,
  Modal,
  ModalActions,
  ModalContent,
  ModalTitle,
  NoticeBox,
  spacers,
} from '@dhis2/ui';
import { createContext, type ReactNode, useContext, useState } from 'react';
import type { Explanation } from '../../core/explain.ts';
import type { ExplainAnswer } from '../api-types.ts';
import { getJson } from './api.ts';
import { Failure, failureText } from './parts.tsx';
import { useAnswer } from './router.ts';

/** A target cell, as the explanation asks about it: codes, period, org unit (either server's id). */
export interface CellRef {
  readonly dataElement: string;
  readonly categoryOptionCombo?: string | undefined;
  readonly attributeOptionCombo?: string | undefined;
  readonly period: string;
  readonly orgUnit: string;
}

/** The cell a comparison row stands for: the data element t2a delivers, not the shadow one shown. */
export const cellOfRow = (row: {
  readonly deliveredDataElement: string;
  readonly categoryOptionCombo?: string | undefined;
  readonly period: string;
  readonly orgUnit: string;
}): CellRef => ({
  dataElement: row.deliveredDataElement,
  categoryOptionCombo: row.categoryOptionCombo,
  period: row.period,
  orgUnit: row.orgUnit,
});

const Opener = createContext<((cell: CellRef) => void) | undefined>(undefined);

/**
 * Every value inside opens the same explanation of one job's cell (`GET /api/explain/:job`, the answer
 * of `t2a explain --json`), in one dialog.
 */
export function ExplainProvider({
  job,
  children,
}: {
  readonly job: string;
  readonly children: ReactNode;
}) {
  const [cell, setCell] = useState<CellRef>();
  return (
    <Opener.Provider value={setCell}>
      {children}
      {cell && <ExplainDialog job={job} cell={cell} onClose={() => setCell(undefined)} />}
    </Opener.Provider>
  );
}

/** A value as a button that opens its explanation (plain text where no job is known). */
export function ExplainButton({
  cell,
  children,
}: {
  readonly cell: CellRef;
  readonly children: ReactNode;
}) {
  const open = useContext(Opener);
  if (!open) return <>{children}</>;
  return (
    <button
      type="button"
      className="t2a-explain"
      data-test="explain-value"
      title="Where does this number come from?"
      onClick={() => open(cell)}
    >
      {children}
    </button>
  );
}

const KEYS = [
  'dataElement',
  'categoryOptionCombo',
  'attributeOptionCombo',
  'period',
  'orgUnit',
] as const;

const query = (cell: CellRef) =>
  new URLSearchParams(KEYS.flatMap((key) => (cell[key] ? [[key, cell[key]!]] : []))).toString();

function ExplainDialog({
  job,
  cell,
  onClose,
}: {
  readonly job: string;
  readonly cell: CellRef;
  readonly onClose: () => void;
}) {
  const answer = useAnswer(
    () => getJson<ExplainAnswer>(`/api/explain/${encodeURIComponent(job)}?${query(cell)}`),
    [job, query(cell)],
  );
  const outcome = answer.value;
  const failed = answer.error ?? (outcome && !outcome.ok ? failureText(outcome) : undefined);
  return (
    <Modal
      onClose={onClose}
      position="top"
      large
      dataTest="explanation"
      className="t2a-explain-modal"
    >
      <ModalTitle>Where does this number come from?</ModalTitle>
      <ModalContent>
        {failed && <Failure title="The value could not be explained" error={failed} />}
        {!failed && !outcome && <p>Following the value back to its records…</p>}
        {outcome?.ok && <ExplanationView explanation={outcome.explanation} />}
      </ModalContent>
      <ModalActions>
        <Button primary onClick={onClose}>
          Close
        </Button>
      </ModalActions>
    </Modal>
  );
}

const or = (value: string | undefined, none = 'no value') => value ?? none;

function Chain({ e }: { readonly e: Explanation }) {
  const run = e.ledger.run
    ? ` in run ${e.ledger.runId} (${e.ledger.run.startedAt}, ${e.ledger.run.status})`
    : '';
  return (
    <dl className="t2a-chain">
      <dt>Source {e.source.connection}</dt>
      <dd data-test="source-value">
        {or(e.source.value)} · analytics last ran {or(e.source.analyticsLastRun, 'never')}
      </dd>
      <dt>t2a sent</dt>
      <dd>{e.ledger.value !== undefined ? `${e.ledger.value}${run}` : 'nothing recorded'}</dd>
      <dt>Target {e.target.connection}</dt>
      <dd data-test="target-value">
        {or(e.target.value)}
        {e.target.storedBy ? `, stored by ${e.target.storedBy}` : ''}
        {e.target.lastUpdated ? ` on ${e.target.lastUpdated}` : ''}
        {e.target.changedAfterT2a ? ' — changed after t2a' : ''}
      </dd>
    </dl>
  );
}

function Records({ e }: { readonly e: Explanation }) {
  return (
    <>
      <p className="t2a-wrap">
        {e.records.length} record(s), from {e.recordsFrom}.{' '}
        <strong data-test="adds-up">
          {e.recordsAddUp
            ? 'They add up to the source’s value.'
            : 'They do not add up to the source’s value.'}
        </strong>
      </p>
      <ul className="t2a-records">
        {e.records.map((record) => (
          <li key={record.uid}>
            <a href={record.link} target="_blank" rel="noreferrer">
              {record.uid}
            </a>{' '}
            {record.date ?? ''} · {record.orgUnitName ?? record.orgUnit ?? ''}
            {record.programStageName ? ` · ${record.programStageName}` : ''} · {record.value}
            {(e.mapping.indicators[0]?.parts ?? [])
              .filter((_, index) => record.meets?.[index] === false)
              .map((part) => (
                <div key={part} data-test="part-not-met">
                  ✖ does not meet now: {part}
                </div>
              ))}
          </li>
        ))}
      </ul>
    </>
  );
}

/** The explanation: the indicator in words, the chain of values, the records, and every disagreement. */
export function ExplanationView({ explanation: e }: { readonly explanation: Explanation }) {
  const { cell } = e;
  return (
    <div className="t2a-wrap" style={{ display: 'grid', gap: spacers.dp12 }}>
      <p>
        <strong>
          {cell.dataElement} / {cell.categoryOptionCombo ?? 'default'}
        </strong>{' '}
        · {cell.periodName} · {cell.orgUnitName}
      </p>
      {e.mapping.indicators.map((indicator) => (
        <p key={indicator.id} data-test="indicator-words">
          {indicator.inWords}
        </p>
      ))}
      <Chain e={e} />
      <Records e={e} />
      {e.notes.length > 0 && (
        <NoticeBox
          warning={e.target.changedAfterT2a || !e.recordsAddUp}
          title="What the explanation found"
        >
          <ul style={{ margin: 0, paddingLeft: spacers.dp16 }}>
            {e.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </NoticeBox>
      )}
    </div>
  );
}
