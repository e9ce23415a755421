import type { T2aErrorKind } from '../core/errors.ts';
import type { ImportResult } from '../core/import-summary.ts';
import type { RunReport } from '../core/report.ts';
import type { Check } from '../jobs/doctor.ts';

/**
 * t2a's exit codes, for cron, systemd and Kubernetes. The only place that turns outcomes into codes.
 */
export const EXIT = {
  /** Every value reached every target. */
  OK: 0,
  /** A bug in t2a: the log has the stack. */
  INTERNAL: 1,
  /** The configuration or the command line is wrong; nothing was sent. */
  CONFIG: 2,
  /** A DHIS2 instance could not be reached, or refused the credentials. */
  CONNECTION: 3,
  /** The run finished, but some values did not arrive (withheld, refused by a target, failed chunks). */
  CONFLICTS: 4,
  /** Validation found errors in the mapping and the job was not run (use --force to run anyway). */
  VALIDATION: 5,
  /** Another run of the job was in progress; this one did not start. */
  BUSY: 6,
  /** Stopped by SIGTERM or SIGINT between chunks; the run is recorded as abandoned. */
  ABORTED: 7,
  /** The run finished, but the source gave no value at all (status `empty`). */
  EMPTY: 8,
} as const;

export function exitCodeForError(kind: T2aErrorKind): number {
  switch (kind) {
    case 'config':
    case 'usage':
      return EXIT.CONFIG;
    case 'connection':
    case 'auth':
      return EXIT.CONNECTION;
    case 'validation':
      return EXIT.VALIDATION;
    case 'busy':
      return EXIT.BUSY;
    case 'aborted':
      return EXIT.ABORTED;
    case 'dhis2':
    case 'mapping':
      return EXIT.CONFLICTS;
    default:
      return EXIT.INTERNAL;
  }
}

export function exitCodeForRun(report: RunReport): number {
  const failed = report.jobs.filter((job) => job.error);
  if (failed.length > 0) {
    return Math.max(...failed.map((job) => exitCodeForError(job.error!.kind as T2aErrorKind)));
  }
  if (report.outcome === 'empty') return EXIT.EMPTY;
  return report.outcome === 'success' ? EXIT.OK : EXIT.CONFLICTS;
}

/** `t2a validate` and `t2a mapping apply`: errors in the mapping refuse. */
export function exitCodeForFindings(errors: number): number {
  return errors > 0 ? EXIT.VALIDATION : EXIT.OK;
}

/**
 * `t2a mapping generate`: a finding that is an error refuses the write (5); the source refusing the
 * metadata import, or the orphans' removal, is a target's refusal (4).
 */
export function exitCodeForGenerate(result: {
  readonly errors: number;
  readonly imports: readonly { readonly status: string }[];
}): number {
  if (result.errors > 0) return EXIT.VALIDATION;
  return result.imports.some((report) => report.status !== 'OK') ? EXIT.CONFLICTS : EXIT.OK;
}

/** `t2a doctor`: a server not reached or refusing the login is a connection problem; anything else, the configuration. */
export function exitCodeForChecks(checks: readonly Check[]): number {
  const failed = checks.filter((check) => !check.ok);
  if (failed.some((check) => check.kind === 'reach' || check.kind === 'login'))
    return EXIT.CONNECTION;
  return failed.length > 0 ? EXIT.CONFIG : EXIT.OK;
}

/** `t2a restore`, `t2a complete`: imports whose answers carry conflicts did not fully arrive. */
export function exitCodeForImports(results: readonly ImportResult[]): number {
  return results.some((result) => result.conflicts.length > 0) ? EXIT.CONFLICTS : EXIT.OK;
}

/**
 * `t2a explain`: 0 when the chain holds (the records give the source's value and the target holds what
 * t2a wrote); 4 when the explanation reports a disagreement, so a script can pick those cells out.
 */
export function exitCodeForExplanation(explanation: {
  readonly recordsAddUp: boolean;
  readonly target: { readonly changedAfterT2a: boolean };
}): number {
  return explanation.recordsAddUp && !explanation.target.changedAfterT2a ? EXIT.OK : EXIT.CONFLICTS;
}

export const EXIT_CODES_HELP = `Exit codes:
  0  every value reached every target
  1  internal error (a bug: see the log)
  2  configuration or command-line error; nothing was sent
  3  a DHIS2 instance could not be reached or refused the credentials
  4  finished, but some values did not arrive (incomplete: withheld, refused, failed chunks)
  5  the mapping has validation errors; the job was not run (--force runs it anyway)
  6  another run of the job was still in progress (this one did not start, or unlock refused to free its lock)
  7  stopped by SIGTERM/SIGINT (between chunks; a second signal at once); recorded as abandoned, the next run resumes
  8  finished, but the source gave no value at all (empty: analytics not run? periods or org units without data?)`;
