import type { LoadedConfig } from '../config/load.ts';
import { mappingKey, resolveMappings } from '../core/mapping.ts';
import { planChunks } from '../core/plan.ts';
import { type HeldValue, withoutDefaultCombos } from '../core/reconcile.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import { fetchHeldValues } from '../dhis2/data-value-sets.ts';
import { fetchOrgUnits, fetchProgramIndicators } from '../dhis2/metadata.ts';
import { getSystemInfo } from '../dhis2/system.ts';
import type { Logger } from '../log.ts';
import type { T2aStore } from '../store/types.ts';
import { findJob, jobPeriods, targetClient } from './job-context.ts';
import { prepareTarget } from './sync-target.ts';

export interface AdoptResult {
  readonly target: string;
  readonly values: readonly HeldValue[];
  readonly recorded: boolean;
}

/**
 * `t2a adopt --job NAME`: a target already filled by another tool holds values t2a never wrote, so
 * reconciliation would never clear them. Adopting records the in-scope values (the job's data elements and
 * combos, org units and periods) as t2a's own, after showing them.
 */
export async function adoptValues(
  config: LoadedConfig,
  store: T2aStore,
  logger: Logger,
  jobName: string,
  options: { confirm: boolean; periods?: readonly string[] | undefined },
): Promise<AdoptResult[]> {
  const job = findJob(config, jobName);
  const source = new Dhis2Client(config.connections.get(job.source)!, logger);
  const info = await getSystemInfo(source);
  const indicators = await fetchProgramIndicators(source, job.programIndicators);
  const { mapped } = resolveMappings(indicators, job.mappingAttribute);
  const inScope = new Set(mapped.map((mapping) => mappingKey(mapping)));
  const periods = options.periods?.length ? [...options.periods] : jobPeriods(job, info);
  const orgUnits = await fetchOrgUnits(source, job.orgUnits);
  const results: AdoptResult[] = [];
  for (const targetConfig of job.targets) {
    const client = targetClient(config, targetConfig, source, logger);
    const target = await prepareTarget({
      client,
      config: targetConfig,
      configFile: config.file,
      codes: mapped.map((m) => m.dataElement),
      orgUnits,
      importStrategy: job.importStrategy,
      dryRun: true,
      periodType: job.periodType,
    });
    const held: HeldValue[] = [];
    for (const chunk of planChunks(
      periods,
      orgUnits.map((unit) => unit.id),
      job.chunk,
    )) {
      const ids = chunk.orgUnits.flatMap((id) => target.translate(id) ?? []);
      const values = await fetchHeldValues(client, {
        dataSets: target.dataSets,
        periods: chunk.periods,
        orgUnits: ids,
        orgUnitIdScheme: target.orgUnitIdScheme,
      });
      held.push(
        ...values.map(withoutDefaultCombos).filter((value) => inScope.has(mappingKey(value))),
      );
    }
    if (options.confirm) await store.ledger.record(target.ledgerKey, job.name, 'adopted', held);
    results.push({ target: client.name, values: held, recorded: options.confirm });
  }
  return results;
}
