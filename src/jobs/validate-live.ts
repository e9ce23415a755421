import type { LoadedConfig } from '../config/load.ts';
import type { JobConfig, TargetConfig } from '../config/schema.ts';
import { T2aError } from '../core/errors.ts';
import type { SourceOrgUnit } from '../core/org-unit-map.ts';
import { orgUnitTranslation } from '../core/org-unit-map.ts';
import { type Finding, validateMapping } from '../core/validation.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import { fetchCurrentUser, hasAuthority, inHierarchy } from '../dhis2/me.ts';
import {
  batches,
  fetchOrgUnits,
  fetchProgramIndicators,
  fetchTargetMapping,
  getAllPages,
} from '../dhis2/metadata.ts';
import type { Logger } from '../log.ts';

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
  config: LoadedConfig,
  logger: Logger,
  jobNames?: readonly string[],
): Promise<LiveValidationReport> {
  const clients = new Map<string, Dhis2Client>();
  const clientFor = (name: string) => {
    const existing = clients.get(name);
    if (existing) return existing;
    const client = new Dhis2Client(config.connections.get(name)!, logger);
    clients.set(name, client);
    return client;
  };
  const jobs = config.config.jobs.filter((job) => !jobNames?.length || jobNames.includes(job.name));
  if (jobNames?.length && jobs.length !== jobNames.length) {
    throw new T2aError(
      'usage',
      `No job named ${jobNames.filter((name) => !jobs.some((job) => job.name === name)).join(', ')}.`,
      {
        fix: `Jobs defined: ${config.config.jobs.map((job) => job.name).join(', ')}.`,
      },
    );
  }
  const results: JobValidation[] = [];
  for (const job of jobs) results.push(await validateJob(job, clientFor));
  const all = results.flatMap((result) => result.findings);
  return {
    jobs: results,
    errors: all.filter((finding) => finding.severity === 'error').length,
    warnings: all.filter((finding) => finding.severity === 'warning').length,
  };
}

async function validateJob(
  job: JobConfig,
  clientFor: (name: string) => Dhis2Client,
): Promise<JobValidation> {
  const source = clientFor(job.source);
  const indicators = await fetchProgramIndicators(source, job.programIndicators);
  const findings: Finding[] = [];
  if (indicators.length === 0) {
    findings.push({
      kind: 'no-indicators',
      severity: 'error',
      message: `The job selects no program indicators on ${source.name}.`,
      fix: 'Check the program indicator group or ids; the source user must be able to read them.',
    });
  }
  const sourceUser = await fetchCurrentUser(source);
  if (
    !hasAuthority(sourceUser, 'F_VIEW_EVENT_ANALYTICS') &&
    !hasAuthority(sourceUser, 'M_dhis-web-data-visualizer')
  ) {
    findings.push({
      kind: 'access',
      severity: 'warning',
      message: `The source user ${sourceUser.username} may lack the right to read analytics.`,
      fix: 'Give it a role with analytics access (e.g. F_VIEW_EVENT_ANALYTICS).',
    });
  }
  const orgUnits = await fetchOrgUnits(source, job.orgUnits);
  if (orgUnits.length === 0)
    findings.push({
      kind: 'no-org-units',
      severity: 'error',
      message: 'The job selects no org units on the source.',
      fix: 'Check the roots, level, groups or ids.',
    });
  const codes = indicators.flatMap(
    (pi) =>
      pi.attributeValues
        ?.filter((entry) => entry.attribute.id === job.mappingAttribute)
        .map((entry) => entry.value) ?? [],
  );
  for (const targetConfig of job.targets) {
    const target = targetConfig.connection === 'same' ? source : clientFor(targetConfig.connection);
    const mapping = await fetchTargetMapping(target, codes);
    findings.push(
      ...validateMapping(indicators, mapping.metadata, {
        mappingAttribute: job.mappingAttribute,
        periodType: job.periodType,
        requireMapping: true,
      }),
    );
    const dataSets = [
      ...new Set(
        mapping.metadata.dataSets
          .filter((ds) => ds.periodType === job.periodType)
          .map((ds) => ds.id),
      ),
    ];
    findings.push(...(await checkTargetOrgUnits(target, targetConfig, orgUnits, dataSets)));
  }
  const mapped = indicators.filter((pi) =>
    pi.attributeValues?.some(
      (entry) => entry.attribute.id === job.mappingAttribute && entry.value.trim(),
    ),
  ).length;
  return { job: job.name, indicators: indicators.length, mapped, findings };
}

interface TargetOrgUnit {
  id: string;
  code?: string;
  name: string;
  path: string;
  dataSets?: { id: string }[];
  attributeValues?: { attribute: { id: string }; value: string }[];
}

/** The job's org units must exist in the target, be assigned to its data set, and be writable by its user. */
async function checkTargetOrgUnits(
  target: Dhis2Client,
  config: TargetConfig,
  units: readonly SourceOrgUnit[],
  dataSets: readonly string[],
): Promise<Finding[]> {
  if (config.orgUnitMapFile) return [];
  const translate = orgUnitTranslation(config.orgUnitIdScheme, units);
  const property =
    config.orgUnitIdScheme === 'UID'
      ? 'id'
      : config.orgUnitIdScheme === 'CODE'
        ? 'code'
        : undefined;
  const wanted = new Map(
    units.flatMap((unit) => {
      const id = translate(unit.id);
      return id ? [[id, unit] as const] : [];
    }),
  );
  const found = new Map<string, TargetOrgUnit>();
  const fields = 'id,code,name,path,dataSets[id],attributeValues[value,attribute[id]]';
  if (property) {
    for (const batch of batches([...wanted.keys()], 50)) {
      for (const unit of await getAllPages<TargetOrgUnit>(target, 'organisationUnits', {
        fields,
        filter: `${property}:in:[${batch.join(',')}]`,
      })) {
        found.set(property === 'id' ? unit.id : (unit.code ?? ''), unit);
      }
    }
  }
  const findings: Finding[] = [];
  const describe = (unit: SourceOrgUnit) => `${unit.name} (${unit.path})`;
  const missing = units.filter((unit) => {
    const id = translate(unit.id);
    return id === undefined || (property !== undefined && !found.has(id));
  });
  if (missing.length > 0) {
    findings.push({
      kind: 'org-unit-missing',
      severity: 'error',
      message: `${missing.length} org unit(s) of the job do not exist in ${target.name} under ${config.orgUnitIdScheme}: ${missing.slice(0, 10).map(describe).join('; ')}${missing.length > 10 ? ' …' : ''}`,
      fix: 'Harmonise the org units (same UIDs or codes), set orgUnitIdScheme, or give an orgUnitMapFile.',
    });
  }
  const present = [...found.values()];
  const unassigned = present.filter(
    (unit) => dataSets.length > 0 && !unit.dataSets?.some((ds) => dataSets.includes(ds.id)),
  );
  if (unassigned.length > 0) {
    findings.push({
      kind: 'org-unit-not-assigned',
      severity: 'warning',
      message: `${unassigned.length} org unit(s) are not assigned to the target data set: ${unassigned
        .slice(0, 10)
        .map((unit) => `${unit.name} (${unit.path})`)
        .join('; ')}`,
      fix: 'Assign them to the data set in the target (DHIS2 2.43 refuses their values).',
    });
  }
  const user = await fetchCurrentUser(target);
  const outside = present.filter((unit) => !inHierarchy(user, unit.path));
  if (outside.length > 0) {
    findings.push({
      kind: 'org-unit-outside-hierarchy',
      severity: 'error',
      message: `${target.name}'s user ${user.username} may not write ${outside.length} org unit(s): ${outside
        .slice(0, 10)
        .map((unit) => `${unit.name} (${unit.path})`)
        .join('; ')}`,
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
