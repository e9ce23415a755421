import { mappingKey } from '../core/mapping.ts';
import { periodAhead, periodDates, periodTypeOf } from '../core/periods.ts';
import { probeIndicator } from '../dhis2/analytics.ts';
import type { StaleScope } from './delivery.ts';
import type { FailingIndicators } from './failing-indicators.ts';
import type { ResolvedJob } from './resolve-job.ts';

/*
 * An indicator whose SQL fails does not always say so. DHIS2 drops it without a word from a request of
 * several SQL statements (2.38.5, 2.39.4, 2.40.2, 2.41.0 and later: `AnalyticsUtils
 * .withExceptionHandling`, "silently fallback since it's multiple analytics query"), and before those
 * versions from any request (`AbstractJdbcEventAnalyticsManager.getAggregatedEventData` catches
 * `BadSqlGrammarException` and only logs it, 2.36.13 l.360–375, 2.40.1 l.517–522). Its values then look
 * gone, and t2a would clear what it wrote for them. So before deleting, t2a asks.
 */

/** Why stale values of a mapping stay in the target. */
export type Doubt =
  /** Its indicator failed on the source, in the run or asked alone. */
  | 'failed'
  /** Its indicator gave no value anywhere, on a version that does not report a grammar error. */
  | 'silent';

/** How many periods before the run's latest t2a looks for a value of a silent indicator. */
const LOOK_BACK = 12;

/** Asks the source about one indicator alone (one statement); a failure joins `failing`. */
async function ask(
  resolved: ResolvedJob,
  programIndicator: string,
  scope: { periods: readonly string[]; orgUnits: readonly string[] },
  failing: FailingIndicators,
): Promise<number> {
  if (failing.has(programIndicator)) return 0;
  try {
    const answer = await probeIndicator(resolved.source.client, resolved.source.info.profile, {
      programIndicator,
      ...scope,
      mappingAttribute: resolved.job.mappingAttribute,
    });
    if (answer.evaluates) return answer.values;
    failing.add(programIndicator, answer.refusal);
  } catch (error) {
    // The source could not be asked: its export cannot be vouched for, so nothing of it goes.
    failing.add(programIndicator, `could not be asked: ${(error as Error).message}`);
  }
  return 0;
}

/**
 * Where a silent indicator is looked for on a version that hides grammar errors: the `LOOK_BACK`
 * periods up to the run's latest, for the job's roots (or the org unit above all of its units). A
 * grammar error fails for every period and org unit alike, so one value there proves the SQL runs
 * (a data exception, the other kind, is answered with a 500 on those versions, and fails the export).
 */
function widerScope(resolved: ResolvedJob): { periods: string[]; orgUnits: string[] } | undefined {
  const latest = resolved.periods.at(-1);
  const type = latest ? periodTypeOf(latest) : undefined;
  const start = latest ? periodDates(latest)?.startDate : undefined;
  if (!type || !start) return undefined;
  const periods: string[] = [];
  for (let step = 1 - LOOK_BACK; step <= 0; step++) {
    const period = periodAhead(type, start, step);
    if (period) periods.push(period.id);
  }
  const roots = resolved.job.orgUnits.roots ?? [commonAncestor(resolved)].flatMap((id) => id ?? []);
  return roots.length > 0 ? { periods, orgUnits: [...roots] } : undefined;
}

/** The deepest org unit whose subtree holds all the job's units. */
function commonAncestor(resolved: ResolvedJob): string | undefined {
  const paths = resolved.orgUnits.map((unit) => unit.path.split('/').filter(Boolean));
  const first = paths[0];
  if (!first) return undefined;
  let depth = first.length;
  for (const path of paths)
    while (depth > 0 && path.slice(0, depth).join('/') !== first.slice(0, depth).join('/')) depth--;
  return first[depth - 1];
}

/**
 * The mapping keys whose stale values must be kept, and why, after asking the source once about:
 * - each indicator that exported no value anywhere in the run (for the job's latest period and first
 *   org unit): a silent failure is the likelier reason, and the run should not call itself a success;
 * - each indicator behind stale values, for a period and org unit where its value went missing.
 * Where the version reports a failing indicator's grammar error to a request of one statement
 * (`ServerProfile.reportsIndicatorErrors`), the keys of the indicators that failed. Where it does not,
 * also each silent indicator that has no value in the wider scope either — unless the person running
 * t2a confirmed (`trustSilent`) that those indicators are empty, having looked at them in DHIS2.
 */
export async function doubtfulKeys(
  resolved: ResolvedJob,
  exported: ReadonlySet<string>,
  staleScopes: ReadonlyMap<string, StaleScope>,
  failing: FailingIndicators,
  trustSilent = false,
): Promise<Map<string, Doubt>> {
  const latest = resolved.periods.at(-1);
  const first = resolved.orgUnits[0]?.id;
  const silent = resolved.mappings.filter((mapping) => !exported.has(mappingKey(mapping)));
  if (latest && first)
    for (const mapping of silent)
      await ask(
        resolved,
        mapping.programIndicator,
        { periods: [latest], orgUnits: [first] },
        failing,
      );
  for (const [key, scope] of staleScopes)
    for (const mapping of resolved.mappings.filter((m) => mappingKey(m) === key))
      await ask(
        resolved,
        mapping.programIndicator,
        { periods: [scope.period], orgUnits: [scope.orgUnit] },
        failing,
      );
  const doubts = new Map<string, Doubt>(
    resolved.mappings
      .filter((m) => failing.has(m.programIndicator))
      .map((m) => [mappingKey(m), 'failed']),
  );
  if (resolved.source.info.profile.reportsIndicatorErrors || trustSilent) return doubts;
  const wider = widerScope(resolved);
  const stale = new Set(staleScopes.keys());
  for (const mapping of silent) {
    const key = mappingKey(mapping);
    if (doubts.has(key) || !stale.has(key)) continue;
    const found = wider ? await ask(resolved, mapping.programIndicator, wider, failing) : 0;
    if (failing.has(mapping.programIndicator)) doubts.set(key, 'failed');
    else if (found === 0) doubts.set(key, 'silent');
  }
  return doubts;
}
