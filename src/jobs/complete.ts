import type { LoadedConfig } from '../config/load.ts';
import {
  type CompletenessPlan,
  type CompletenessRule,
  completenessKey,
  planCompleteness,
} from '../core/completeness.ts';
import { T2aError } from '../core/errors.ts';
import { readImportResponse } from '../core/import-summary.ts';
import { resolveMappings, withShadowCodes } from '../core/mapping.ts';
import { periodsInWindow } from '../core/periods.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import { fetchRegistrations, registerComplete } from '../dhis2/complete-registrations.ts';
import { fetchOrgUnits, fetchProgramIndicators } from '../dhis2/metadata.ts';
import { getSystemInfo, serverToday } from '../dhis2/system.ts';
import type { Logger } from '../log.ts';
import type { T2aStore } from '../store/types.ts';
import { findJob, jobPeriods, targetClient } from './job-context.ts';
import { prepareTarget } from './sync-target.ts';

export interface CompleteResult {
  readonly dataSet: string;
  readonly plan: CompletenessPlan;
  readonly marked: number;
  readonly dryRun: boolean;
}

/**
 * `t2a complete`: marks the target data set complete where the job's rule holds over what t2a delivered
 * (its ledger). Never unmarks; periods still open are left alone.
 */
export async function completeJob(
  config: LoadedConfig,
  store: T2aStore,
  logger: Logger,
  jobName: string,
  options: { dryRun: boolean },
): Promise<CompleteResult[]> {
  const job = findJob(config, jobName);
  if (!job.complete) {
    throw new T2aError('config', `Job "${job.name}" has no completeness rule.`, {
      fix: 'Add complete: { rule: { minValues: 1 } } (or dataElements/minOf, or allMapped) to the job.',
    });
  }
  const source = new Dhis2Client(config.connections.get(job.source)!, logger);
  const info = await getSystemInfo(source);
  const today = serverToday(info);
  const periods = jobPeriods(job, info);
  const [current] = periodsInWindow(
    { periodType: job.periodType, last: 0, includeCurrent: true },
    today,
    info.calendar,
  );
  const indicators = withShadowCodes(
    await fetchProgramIndicators(source, job.programIndicators),
    job.mappingAttribute,
    job.shadow?.suffix,
  );
  const mapped = new Set(
    resolveMappings(indicators, job.mappingAttribute).mapped.map((m) => m.dataElement),
  );
  const orgUnits = await fetchOrgUnits(source, job.orgUnits);
  const rule: CompletenessRule =
    job.complete.rule === 'allMapped'
      ? { kind: 'all-mapped' }
      : 'minValues' in job.complete.rule
        ? { kind: 'min-values', count: job.complete.rule.minValues }
        : {
            kind: 'min-of',
            dataElements: job.complete.rule.dataElements,
            count: job.complete.rule.minOf,
          };
  const results: CompleteResult[] = [];
  for (const targetConfig of job.targets) {
    const client = targetClient(config, targetConfig, source, logger);
    const target = await prepareTarget({
      client,
      config: targetConfig,
      configFile: config.file,
      codes: [...mapped],
      orgUnits,
      importStrategy: job.importStrategy,
      dryRun: options.dryRun,
      periodType: job.periodType,
    });
    const delivered = new Map<string, Set<string>>();
    const counts = new Map<string, number>();
    for (const entry of await store.ledger.entries(target.ledgerKey, job.name, periods)) {
      const key = completenessKey(entry.orgUnit, entry.period);
      delivered.set(key, (delivered.get(key) ?? new Set()).add(entry.dataElement));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const units = orgUnits.flatMap((unit) => target.translate(unit.id) ?? []);
    const roots = [...new Set(orgUnits.map((unit) => unit.path.split('/')[1]!))].flatMap(
      (id) => target.translate(id) ?? id,
    );
    for (const dataSet of target.dataSets) {
      const registered = new Set(
        (await fetchRegistrations(client, dataSet, periods, roots))
          .filter((r) => r.completed !== false)
          .map((r) => completenessKey(r.organisationUnit, r.period)),
      );
      const plan = planCompleteness(
        {
          delivered,
          valueCounts: counts,
          rule,
          mappedDataElements: mapped,
          registered,
          openPeriods: new Set(current ? [current] : []),
        },
        periods.flatMap((period) => units.map((orgUnit) => ({ orgUnit, period }))),
      );
      let marked = 0;
      if (plan.mark.length > 0) {
        const response = await registerComplete(
          client,
          plan.mark.map((m) => ({ dataSet, period: m.period, organisationUnit: m.orgUnit })),
          { orgUnitIdScheme: target.orgUnitIdScheme, dryRun: options.dryRun, date: today },
        );
        const result = readImportResponse(response.status, response.body);
        marked = options.dryRun ? 0 : result.counts.imported + result.counts.updated;
      }
      results.push({ dataSet, plan, marked, dryRun: options.dryRun });
    }
  }
  return results;
}
