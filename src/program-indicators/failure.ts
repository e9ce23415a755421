import { Dhis2ParseError } from './engine/parser.ts';
import { SandboxGap, SqlStaticError } from './engine/sql-types.ts';
import type { CompileFailure, Dhis2Failure } from './types.ts';

/** Why an indicator (or a part of its query) cannot be evaluated, and DHIS2's own error if it has one. */
export type Failure = { reason: string; dhis2Error?: Dhis2Failure };

/** DHIS2's answer to what fails: its parser's message, or PostgreSQL's error by class. */
export function failureOf(error: unknown): Failure {
  if (error instanceof Dhis2ParseError)
    return {
      reason: `DHIS2 cannot build its SQL either: ${error.message}`,
      dhis2Error: { code: 'parse', sqlState: '', dbMessage: error.message },
    };
  if (error instanceof SqlStaticError)
    return {
      reason: `DHIS2's SQL fails in PostgreSQL (${error.sqlState}): ${error.message}`,
      dhis2Error: {
        code: error.sqlState.startsWith('22') ? 'E7132' : 'E7145',
        sqlState: error.sqlState,
        dbMessage: `ERROR: ${error.message}`,
      },
    };
  if (error instanceof SandboxGap)
    return { reason: `${error.message} is not supported by the sandbox` };
  throw error;
}

/** The failure of an indicator, as `CompileResult` carries it. */
export function compileFailure(
  indicator: { readonly id: string; readonly name?: unknown },
  { reason, dhis2Error }: Failure,
): CompileFailure {
  return {
    ok: false,
    id: indicator.id,
    name: String(indicator.name ?? indicator.id),
    reason,
    ...(dhis2Error && { dhis2Error }),
  };
}
