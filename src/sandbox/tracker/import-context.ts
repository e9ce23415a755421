import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { atLeast } from '../version.ts';
import type { TrackerBundle } from './tracker-bundle.ts';
import {
  type ObjectArg,
  type TrackerError,
  type TrackerType,
  trackerError,
} from './tracker-errors.ts';

/** `TrackerImportStrategy`; CREATE_AND_UPDATE is the HTTP default in every version. */
export type ImportStrategy = 'CREATE' | 'UPDATE' | 'CREATE_AND_UPDATE' | 'DELETE';
/** What one object of the bundle comes to: a write, a deletion, or nothing (a relationship update). */
export type Action = 'CREATE' | 'UPDATE' | 'DELETE' | 'IGNORE';

export interface ImportParams {
  readonly strategy: ImportStrategy;
  /** `AtomicMode`: ALL (default) persists nothing when anything is invalid; OBJECT drops the invalid. */
  readonly atomicMode: 'ALL' | 'OBJECT';
}

/** One import in progress: who, how, when, and what each object of the bundle comes to. */
export interface ImportRun {
  readonly ctx: SandboxContext;
  readonly user: SandboxUser;
  readonly params: ImportParams;
  readonly bundle: TrackerBundle;
  /** The server's wall clock, `yyyy-MM-ddTHH:mm:ss.SSS` (UTC). */
  readonly now: string;
  readonly actions: Record<TrackerType, Map<string, Action>>;
  readonly errors: TrackerError[];
  readonly warnings: TrackerError[];
  /** Tracked entities whose `lastUpdated` the commit bumps (`updateTrackedEntitiesLastUpdated`). */
  readonly touchedTrackedEntities: Set<string>;
}

export function newImportRun(
  ctx: SandboxContext,
  user: SandboxUser,
  params: ImportParams,
  bundle: TrackerBundle,
): ImportRun {
  return {
    ctx,
    user,
    params,
    bundle,
    now: ctx.clock.now().toISOString().slice(0, 23),
    actions: {
      TRACKED_ENTITY: new Map(),
      ENROLLMENT: new Map(),
      EVENT: new Map(),
      RELATIONSHIP: new Map(),
    },
    errors: [],
    warnings: [],
    touchedTrackedEntities: new Set(),
  };
}

export function reportError(
  run: ImportRun,
  code: string,
  type: TrackerType,
  uid: string,
  args: readonly (string | ObjectArg)[],
): undefined {
  run.errors.push(trackerError(run.ctx.version, code, type, uid, args));
  return undefined;
}

export function reportWarning(
  run: ImportRun,
  code: string,
  type: TrackerType,
  uid: string,
  args: readonly (string | ObjectArg)[],
): void {
  run.warnings.push(trackerError(run.ctx.version, code, type, uid, args));
}

/** Codes of the existence check per type (`PreCheckExistenceValidationHook` / `ExistenceValidator`). */
const EXISTENCE: Record<TrackerType, { deleted: string; exists: string; missing: string }> = {
  TRACKED_ENTITY: { deleted: 'E1114', exists: 'E1002', missing: 'E1063' },
  ENROLLMENT: { deleted: 'E1113', exists: 'E1080', missing: 'E1081' },
  EVENT: { deleted: 'E1082', exists: 'E1030', missing: 'E1032' },
  RELATIONSHIP: { deleted: 'E4017', exists: 'E4015', missing: 'E4016' },
};

/**
 * The strategy applied to what is stored: a soft-deleted UID cannot be touched at all, even by CREATE
 * (E1082/E1113/E1114); CREATE of a present one and UPDATE/DELETE of a missing one fail;
 * CREATE_AND_UPDATE decides per object (`ExistenceValidator` @2.43.1 L56-L66;
 * `PreCheckExistenceValidationHook` @2.36.13 L155-L176).
 */
export function resolveAction(
  run: ImportRun,
  type: TrackerType,
  uid: string,
  stored: { deleted: number } | undefined,
): Action | undefined {
  const codes = EXISTENCE[type];
  if (stored?.deleted) return reportError(run, codes.deleted, type, uid, [uid]);
  const present = stored !== undefined;
  switch (run.params.strategy) {
    case 'CREATE':
      return present ? reportError(run, codes.exists, type, uid, [uid]) : 'CREATE';
    case 'UPDATE':
      return present ? 'UPDATE' : reportError(run, codes.missing, type, uid, [uid]);
    case 'DELETE':
      return present ? 'DELETE' : reportError(run, codes.missing, type, uid, [uid]);
    default:
      return present ? 'UPDATE' : 'CREATE';
  }
}

export const userArg = (run: ImportRun): ObjectArg => ({ klass: 'User', uid: run.user.id });
export const orgUnitArg = (uid: string): ObjectArg => ({ klass: 'OrganisationUnit', uid });

/** The soft delete's `lastUpdated`: now from 2.38 (`SoftDeleteHibernateObjectStore`), kept before. */
export function softDeleteTime(run: ImportRun): string | undefined {
  return atLeast(run.ctx.version, 38) ? run.now : undefined;
}
