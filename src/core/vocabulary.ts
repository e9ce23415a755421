/*
 * One vocabulary for what a run did, used by the command line, the history, the dashboard, the JSON
 * output and the notifications alike (README "Words t2a uses"). A word means one thing everywhere;
 * a dry run says what it *would* do.
 */

/** How a finished run ended. */
export type RunOutcome =
  /** Every value the source gave reached every target (a dry run: would have). */
  | 'success'
  /** The run finished, but some values did not arrive: withheld by t2a, or refused by a target. */
  | 'incomplete'
  /** The run finished, but the source gave no value at all: nothing to deliver, nothing checked. */
  | 'empty'
  /** A chunk or the whole job failed (a server, the network, an error): values are missing. */
  | 'failed';

/** A run as the history keeps it: its outcome, or why it has none. */
export type RunStatus =
  | RunOutcome
  /** Still going (or its process died: the next look at it calls it abandoned). */
  | 'running'
  /** Stopped between chunks (SIGTERM, Ctrl-C, Cancel, its lock taken over); the next run resumes. */
  | 'abandoned'
  /** Not started: the mapping has validation errors (`--force` runs it anyway). Not a failure. */
  | 'refused'
  /** Not started: another run of the job held its lock. Not a failure. */
  | 'busy';

export const RUN_STATUSES: readonly RunStatus[] = [
  'running',
  'success',
  'incomplete',
  'empty',
  'failed',
  'abandoned',
  'refused',
  'busy',
];

/** What each status means, in the words the README uses. */
export const STATUS_MEANING: Readonly<Record<RunStatus, string>> = {
  success: 'every value reached every target',
  incomplete: 'finished, but some values did not arrive (withheld by t2a or refused by a target)',
  empty: 'finished, but the source gave no value at all',
  failed: 'a chunk or the job failed; values are missing',
  running: 'still running',
  abandoned: 'stopped between chunks; the next run resumes',
  refused: 'not started: the mapping has validation errors',
  busy: 'not started: another run of the job was in progress',
};

/** Statuses that are no failure of the run itself: nothing a person must repair in the data. */
export const NOT_A_FAILURE: ReadonlySet<RunStatus> = new Set(['success', 'refused', 'busy']);

/** A history written by older versions of t2a said `conflicts` for what is now `incomplete`. */
export function readStatus(stored: string): RunStatus {
  if (stored === 'conflicts') return 'incomplete';
  return (RUN_STATUSES as readonly string[]).includes(stored) ? (stored as RunStatus) : 'failed';
}

/**
 * The counts of a run, by name, with the label every face shows (and the dry-run label). The values
 * t2a did not send are `withheld` (t2a's decision, with a cause) or `unchanged` (the target holds the
 * same); those it sent and a target refused are `refused`.
 */
export const COUNT_LABELS = {
  exported: { label: 'Exported', dryRun: 'Exported' },
  withheld: { label: 'Withheld', dryRun: 'Would withhold' },
  unchanged: { label: 'Unchanged', dryRun: 'Unchanged' },
  sent: { label: 'Sent', dryRun: 'Would send' },
  imported: { label: 'Imported', dryRun: 'Would import' },
  updated: { label: 'Updated', dryRun: 'Would update' },
  ignored: { label: 'Ignored', dryRun: 'Would ignore' },
  deleted: { label: 'Deleted', dryRun: 'Would delete' },
  refused: { label: 'Refused', dryRun: 'Would be refused' },
} as const;

export type CountName = keyof typeof COUNT_LABELS;

export function countLabel(name: CountName, dryRun: boolean): string {
  return dryRun ? COUNT_LABELS[name].dryRun : COUNT_LABELS[name].label;
}
