import { lockRefusal } from '../core/locks.ts';
import { periodAhead, periodDates } from '../core/periods.ts';
import type { Finding } from '../core/validation.ts';
import { fetchCurrentUser, hasAuthority } from '../dhis2/me.ts';
import { evaluationFindings } from './evaluate-indicators.ts';
import { jobLevelFindings, mappingFindings } from './job-findings.ts';
import type { ResolvedJob } from './resolve-job.ts';
import type { PreparedTarget } from './target.ts';

/*
 * Every check of a resolved job against the live instances, for `t2a validate` and `t2a sync` alike:
 * a sync refuses (exit 5) exactly what validate calls an error, whatever its kind.
 */

/** What validation finds for a job: of the job itself, and per target (in `resolved.targets` order). */
export interface JobFindings {
  readonly job: readonly Finding[];
  readonly perTarget: readonly (readonly Finding[])[];
}

/**
 * The findings of a resolved job. `probeIndicators` also asks the source about every mapped indicator
 * alone (warnings; a sync finds failing indicators itself, so it does not ask).
 */
export async function jobFindings(
  resolved: ResolvedJob,
  options: { probeIndicators: boolean },
): Promise<JobFindings> {
  const access = await sourceAccess(resolved);
  // Without analytics access every indicator would be refused alike: nothing to learn by asking.
  const probed =
    options.probeIndicators && access.length === 0 ? await evaluationFindings(resolved) : [];
  const perTarget: Finding[][] = [];
  for (const target of resolved.targets)
    perTarget.push([
      ...mappingFindings(resolved, target),
      ...checkTargetOrgUnits(target, resolved.job.periodType),
      ...checkCurrentPeriod(resolved, target),
      ...(await checkImportRights(target)),
    ]);
  return { job: [...jobLevelFindings(resolved), ...access, ...probed], perTarget };
}

/**
 * Program indicators in analytics always pass `DefaultAnalyticsSecurityManager.decideAccessEventQuery`,
 * which asks F_VIEW_EVENT_ANALYTICS (or ALL) and answers 409 E7217 otherwise (2.36.13 l.183–208, 2.43.1
 * l.200–221); an app's `M_…` authority opens the app, not the data.
 */
async function sourceAccess(resolved: ResolvedJob): Promise<Finding[]> {
  const user = await fetchCurrentUser(resolved.source.client);
  if (hasAuthority(user, 'F_VIEW_EVENT_ANALYTICS')) return [];
  return [
    {
      kind: 'access',
      severity: 'error',
      message: `The source user ${user.username} cannot read program indicator analytics: it lacks F_VIEW_EVENT_ANALYTICS, and ${resolved.source.client.name} refuses every export with E7217.`,
      fix: `Give ${user.username} a role with the authority "View event analytics" (F_VIEW_EVENT_ANALYTICS) in the source's Users app.`,
    },
  ];
}

/**
 * A job whose window holds the current period, into a data set that keeps the current period closed:
 * open future periods 0 mean "the current period is locked" (`PeriodType.getFuturePeriod`), so every
 * value of it would be refused, each night. A warning: the other periods go.
 */
function checkCurrentPeriod(resolved: ResolvedJob, target: PreparedTarget): Finding[] {
  const current = resolved.currentPeriod;
  const period = current ? periodDates(current, target.calendar) : undefined;
  if (!current || !period || !resolved.periods.includes(current)) return [];
  const closed = new Map<string, string>();
  for (const element of target.dataElements.values())
    for (const ds of element.dataSets) {
      if (ds.periodType !== resolved.job.periodType || closed.has(ds.id)) continue;
      const refusal = lockRefusal({
        dataSets: [ds],
        assigned: () => true,
        importDataSet: ds.id,
        period,
        today: target.today,
        canEditExpired: target.canEditExpired,
        isoCalendar: target.calendar === 'iso8601',
        rules: { ...target.info.profile.lockRules, scope: 'assigned-data-sets' },
        latestOpen: (type, n) => periodAhead(type, target.today, n - 1, target.calendar),
      });
      if (refusal?.cause === 'future-period') closed.set(ds.id, ds.name);
    }
  return [...closed.values()].map((name) => ({
    kind: 'current-period-closed',
    severity: 'warning',
    message: `${target.client.name} keeps the current period ${current} closed in "${name}" (its open future periods are 0), and the job's periods include it: each of its values would be refused, every night.`,
    fix: 'Set the data set’s open future periods to 1 or more (Maintenance app) if the current period should take values, or leave it out of the job (periods: includeCurrent: false).',
  }));
}

const named = (units: readonly { name: string; path: string }[]) =>
  `${units
    .slice(0, 10)
    .map((unit) => `${unit.name} (${unit.path})`)
    .join('; ')}${units.length > 10 ? ' …' : ''}`;

/**
 * The job's org units must exist in the target, be writable by its user, and be assigned to the data
 * set (the 2.43 engine refuses a whole request otherwise, E8022; older engines take the values).
 */
function checkTargetOrgUnits(target: PreparedTarget, periodType: string): Finding[] {
  const access = [...(target.orgUnitAccess?.values() ?? [])];
  const dataSets = new Set(
    target.metadata.dataSets.filter((ds) => ds.periodType === periodType).map((ds) => ds.id),
  );
  const refuses = target.info.profile.refusesUnassignedOrgUnits;
  const missing = access.filter((unit) => !unit.found);
  const unassigned = access.filter(
    (unit) => unit.found && dataSets.size > 0 && ![...unit.dataSets].some((id) => dataSets.has(id)),
  );
  const outside = access.filter((unit) => unit.found && !unit.writable);
  // A sync withholds the values of these org units alone, by cause, and delivers the rest: a warning.
  // When no org unit is left to deliver to, the job cannot do anything: an error, and sync refuses it.
  const lost = new Set([...missing, ...(refuses ? unassigned : []), ...outside]);
  const severity = access.length > 0 && lost.size === access.length ? 'error' : 'warning';
  const withheld =
    'A sync withholds their values (each reported with this cause) and delivers the rest.';
  const findings: Finding[] = [];
  if (missing.length > 0)
    findings.push({
      kind: 'org-unit-missing',
      severity,
      message: `${missing.length} org unit(s) of the job do not exist in ${target.client.name} under ${target.orgUnitIdScheme}: ${named(missing)}. ${withheld}`,
      fix: 'Harmonise the org units (same UIDs or codes), set orgUnitIdScheme, or give an orgUnitMapFile.',
    });
  if (unassigned.length > 0)
    findings.push({
      kind: 'org-unit-not-assigned',
      severity: refuses ? severity : 'warning',
      message: `${unassigned.length} org unit(s) are not assigned to the target data set: ${named(unassigned)}.${refuses ? ` ${withheld}` : ''}`,
      fix: refuses
        ? `Assign them to the data set in ${target.client.name}: DHIS2 ${target.info.version.text} refuses their values.`
        : 'Assign them to the data set in the target (DHIS2 2.43 refuses their values).',
    });
  if (outside.length > 0)
    findings.push({
      kind: 'org-unit-outside-hierarchy',
      severity,
      message: `${target.client.name}'s import user may not write ${outside.length} org unit(s): ${named(outside)}. ${withheld}`,
      fix: 'Assign the import user to an org unit above them (data capture org units).',
    });
  return findings;
}

async function checkImportRights(target: PreparedTarget): Promise<Finding[]> {
  const user = await fetchCurrentUser(target.client);
  if (hasAuthority(user, 'F_DATAVALUE_ADD')) return [];
  return [
    {
      kind: 'access',
      severity: 'error',
      message: `${target.client.name}'s user ${user.username} may not add data values (F_DATAVALUE_ADD).`,
      fix: 'Give the import user a role with data entry rights.',
    },
  ];
}
