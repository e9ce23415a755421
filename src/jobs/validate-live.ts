import type { JobConfig, TargetConfig } from '../config/schema.ts';
import { isT2aError } from '../core/errors.ts';
import type { SourceOrgUnit } from '../core/org-unit-map.ts';
import { orgUnitTranslation } from '../core/org-unit-map.ts';
import { type Finding, validateMapping } from '../core/validation.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import { fetchCurrentUser, hasAuthority, inHierarchy } from '../dhis2/me.ts';
import { batches, getAllPages } from '../dhis2/metadata.ts';
import type { JobContext } from './context.ts';
import { type ResolvedJob, resolveJob, selectJobs } from './resolve-job.ts';

export interface JobValidation {
  readonly job: string;
  readonly indicators: number;
  readonly mapped: number;
  readonly findings: Finding[];
}

export interface LiveValidationReport {
  readonly jobs: readonly JobValidation[];
  readonly errors: number;
  readonly warnings: number;
}

/** `t2a validate [--job]`: the mapping, org unit and access checks against the live instances, read-only. */
export async function validateLive(
  ctx: JobContext,
  jobNames?: readonly string[],
): Promise<LiveValidationReport> {
  const results: JobValidation[] = [];
  for (const job of selectJobs(ctx, jobNames)) results.push(await validateJob(ctx, job));
  const all = results.flatMap((result) => result.findings);
  return {
    jobs: results,
    errors: all.filter((finding) => finding.severity === 'error').length,
    warnings: all.filter((finding) => finding.severity === 'warning').length,
  };
}

/** A job that cannot even be resolved (no indicators, no org units) is a finding, not a crash. */
async function resolveForValidation(
  ctx: JobContext,
  job: JobConfig,
): Promise<ResolvedJob | Finding> {
  try {
    return await resolveJob(ctx, job.name);
  } catch (error) {
    if (!isT2aError(error) || !['mapping', 'config'].includes(error.kind)) throw error;
    const noIndicators = error.kind === 'mapping';
    return {
      kind: noIndicators ? 'no-indicators' : 'no-org-units',
      severity: 'error',
      message: noIndicators
        ? `The job selects no program indicators on ${job.source}.`
        : 'The job selects no org units on the source.',
      fix: noIndicators
        ? 'Check the program indicator group or ids; the source user must be able to read them.'
        : 'Check the roots, level, groups or ids.',
    };
  }
}

async function sourceAccess(resolved: ResolvedJob): Promise<Finding[]> {
  const user = await fetchCurrentUser(resolved.source.client);
  if (
    hasAuthority(user, 'F_VIEW_EVENT_ANALYTICS') ||
    hasAuthority(user, 'M_dhis-web-data-visualizer')
  )
    return [];
  return [
    {
      kind: 'access',
      severity: 'warning',
      message: `The source user ${user.username} may lack the right to read analytics.`,
      fix: 'Give it a role with analytics access (e.g. F_VIEW_EVENT_ANALYTICS).',
    },
  ];
}

async function validateJob(ctx: JobContext, job: JobConfig): Promise<JobValidation> {
  const resolved = await resolveForValidation(ctx, job);
  if (!('job' in resolved))
    return { job: job.name, indicators: 0, mapped: 0, findings: [resolved] };
  const findings: Finding[] = await sourceAccess(resolved);
  for (const [index, target] of resolved.targets.entries()) {
    findings.push(
      ...validateMapping(resolved.deliveredIndicators, target.metadata, {
        mappingAttribute: job.mappingAttribute,
        periodType: job.periodType,
        requireMapping: true,
        source: resolved.sourceMetadata,
      }),
    );
    const dataSets = [
      ...new Set(
        target.metadata.dataSets
          .filter((ds) => ds.periodType === job.periodType)
          .map((ds) => ds.id),
      ),
    ];
    findings.push(
      ...(await checkTargetOrgUnits(
        target.client,
        job.targets[index]!,
        resolved.orgUnits,
        dataSets,
      )),
    );
  }
  const mapped = resolved.deliveredIndicators.filter((pi) =>
    pi.attributeValues?.some(
      (entry) => entry.attribute.id === job.mappingAttribute && entry.value.trim(),
    ),
  ).length;
  return { job: job.name, indicators: resolved.indicators.length, mapped, findings };
}

interface TargetOrgUnit {
  id: string;
  code?: string;
  name: string;
  path: string;
  dataSets?: { id: string }[];
  attributeValues?: { attribute: { id: string }; value: string }[];
}

/** The job's org units as the target knows them, found under the target's id scheme. */
async function findTargetOrgUnits(
  target: Dhis2Client,
  config: TargetConfig,
  units: readonly SourceOrgUnit[],
) {
  const translate = orgUnitTranslation(config.orgUnitIdScheme, units);
  const property =
    config.orgUnitIdScheme === 'UID'
      ? 'id'
      : config.orgUnitIdScheme === 'CODE'
        ? 'code'
        : undefined;
  const wanted = units.flatMap((unit) => translate(unit.id) ?? []);
  const found = new Map<string, TargetOrgUnit>();
  const fields = 'id,code,name,path,dataSets[id],attributeValues[value,attribute[id]]';
  if (property) {
    for (const batch of batches([...new Set(wanted)], 50)) {
      for (const unit of await getAllPages<TargetOrgUnit>(target, 'organisationUnits', {
        fields,
        filter: `${property}:in:[${batch.join(',')}]`,
      })) {
        found.set(property === 'id' ? unit.id : (unit.code ?? ''), unit);
      }
    }
  }
  const missing = units.filter((unit) => {
    const id = translate(unit.id);
    return id === undefined || (property !== undefined && !found.has(id));
  });
  return { present: [...found.values()], missing };
}

const named = (units: readonly { name: string; path: string }[]) =>
  `${units
    .slice(0, 10)
    .map((unit) => `${unit.name} (${unit.path})`)
    .join('; ')}${units.length > 10 ? ' …' : ''}`;

/** The job's org units must exist in the target, be assigned to its data set, and be writable by its user. */
async function checkTargetOrgUnits(
  target: Dhis2Client,
  config: TargetConfig,
  units: readonly SourceOrgUnit[],
  dataSets: readonly string[],
): Promise<Finding[]> {
  if (config.orgUnitMapFile) return [];
  const { present, missing } = await findTargetOrgUnits(target, config, units);
  const findings: Finding[] = [];
  if (missing.length > 0) {
    findings.push({
      kind: 'org-unit-missing',
      severity: 'error',
      message: `${missing.length} org unit(s) of the job do not exist in ${target.name} under ${config.orgUnitIdScheme}: ${named(missing)}`,
      fix: 'Harmonise the org units (same UIDs or codes), set orgUnitIdScheme, or give an orgUnitMapFile.',
    });
  }
  const unassigned = present.filter(
    (unit) => dataSets.length > 0 && !unit.dataSets?.some((ds) => dataSets.includes(ds.id)),
  );
  if (unassigned.length > 0) {
    findings.push({
      kind: 'org-unit-not-assigned',
      severity: 'warning',
      message: `${unassigned.length} org unit(s) are not assigned to the target data set: ${named(unassigned)}`,
      fix: 'Assign them to the data set in the target (DHIS2 2.43 refuses their values).',
    });
  }
  findings.push(...(await checkImportUser(target, present)));
  return findings;
}

/** The target's import user must write these org units and add data values. */
async function checkImportUser(
  target: Dhis2Client,
  present: readonly TargetOrgUnit[],
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const user = await fetchCurrentUser(target);
  const outside = present.filter((unit) => !inHierarchy(user, unit.path));
  if (outside.length > 0) {
    findings.push({
      kind: 'org-unit-outside-hierarchy',
      severity: 'error',
      message: `${target.name}'s user ${user.username} may not write ${outside.length} org unit(s): ${named(outside)}`,
      fix: 'Assign the import user to an org unit above them (data capture org units).',
    });
  }
  if (!hasAuthority(user, 'F_DATAVALUE_ADD')) {
    findings.push({
      kind: 'access',
      severity: 'error',
      message: `${target.name}'s user ${user.username} may not add data values (F_DATAVALUE_ADD).`,
      fix: 'Give the import user a role with data entry rights.',
    });
  }
  return findings;
}
