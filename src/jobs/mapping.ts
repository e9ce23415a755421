import type { JobConfig } from '../config/schema.ts';
import { isDisaggregated } from '../core/mapping.ts';
import { diffMapping, type MappingChange, type MappingRow } from '../core/mapping-table.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import {
  fetchProgramIndicators,
  fetchTargetMapping,
  type TargetMapping,
} from '../dhis2/metadata.ts';
import { getSystemInfo } from '../dhis2/system.ts';
import type { JobContext } from './context.ts';
import { resolveDisaggregation } from './disaggregation.ts';
import { connectionClient, findJob } from './resolve-job.ts';

interface JobClients {
  readonly job: JobConfig;
  readonly source: Dhis2Client;
  readonly target: Dhis2Client;
}

function clientsFor(ctx: JobContext, jobName: string | undefined): JobClients {
  const job = findJob(ctx, jobName);
  return {
    job,
    source: ctx.clients.client(job.source),
    target: connectionClient(ctx, job, job.targets[0]!.connection),
  };
}

function rowsFrom(
  indicators: Awaited<ReturnType<typeof fetchProgramIndicators>>,
  attribute: string,
  target: TargetMapping,
): MappingRow[] {
  const comboNames = new Map(
    target.metadata.categoryOptionCombos.flatMap((coc) =>
      coc.code ? [[coc.code, coc.name] as const] : [],
    ),
  );
  return indicators
    .map((pi) => {
      const code =
        pi.attributeValues?.find((entry) => entry.attribute.id === attribute)?.value ?? '';
      const coc = pi.aggregateExportCategoryOptionCombo ?? '';
      const aoc = pi.aggregateExportAttributeOptionCombo ?? '';
      return {
        programIndicator: pi.id,
        programIndicatorName: pi.name,
        dataElement: code,
        dataElementName: target.dataElements.get(code)?.name ?? (code ? '(not in target)' : ''),
        categoryOptionCombo: coc,
        categoryOptionComboName: comboNames.get(coc) ?? (coc ? '(not in target)' : ''),
        attributeOptionCombo: aoc,
        attributeOptionComboName: comboNames.get(aoc) ?? (aoc ? '(not in target)' : ''),
      };
    })
    .sort((a, b) => a.programIndicatorName.localeCompare(b.programIndicatorName));
}

async function currentRows(
  clients: JobClients,
  extraCodes: readonly string[] = [],
): Promise<{ rows: MappingRow[]; target: TargetMapping }> {
  const indicators = await fetchProgramIndicators(clients.source, clients.job.programIndicators);
  const codes = indicators.flatMap(
    (pi) =>
      pi.attributeValues
        ?.filter((entry) => entry.attribute.id === clients.job.mappingAttribute)
        .map((entry) => entry.value) ?? [],
  );
  const target = await fetchTargetMapping(
    clients.target,
    [...codes, ...extraCodes].filter(Boolean),
  );
  return { rows: rowsFrom(indicators, clients.job.mappingAttribute, target), target };
}

/**
 * `t2a mapping export`: the job's indicators with their codes and the target's names beside them; a 2.42
 * disaggregated indicator gives a row per cell it writes, marked with its category combo and mappings.
 */
export async function exportMapping(ctx: JobContext, jobName?: string): Promise<MappingRow[]> {
  const clients = clientsFor(ctx, jobName);
  const { rows, target } = await currentRows(clients);
  const info = await getSystemInfo(clients.source);
  if (!info.profile.piDisaggregation) return rows;
  const indicators = await fetchProgramIndicators(
    clients.source,
    clients.job.programIndicators,
    true,
  );
  const disaggregated = indicators.filter(isDisaggregated);
  if (disaggregated.length === 0) return rows;
  const cells = await resolveDisaggregation(
    clients.source,
    [clients.target],
    disaggregated,
    undefined,
  );
  const comboNames = new Map(
    target.metadata.categoryOptionCombos.flatMap((coc) =>
      coc.code ? [[coc.code, coc.name] as const] : [],
    ),
  );
  const shown = new Set(disaggregated.map((pi) => pi.id));
  const byId = new Map(disaggregated.map((pi) => [pi.id, pi]));
  const cellRows = cells.mappings.map((mapping): MappingRow => {
    const pi = byId.get(mapping.programIndicator)!;
    return {
      programIndicator: mapping.programIndicator,
      programIndicatorName: mapping.name,
      dataElement: mapping.dataElement,
      dataElementName: target.dataElements.get(mapping.dataElement)?.name ?? '',
      categoryOptionCombo: mapping.categoryOptionCombo ?? '',
      categoryOptionComboName: comboNames.get(mapping.categoryOptionCombo ?? '') ?? 'default',
      attributeOptionCombo: mapping.attributeOptionCombo ?? '',
      attributeOptionComboName: comboNames.get(mapping.attributeOptionCombo ?? '') ?? '',
      disaggregation: `2.42 category mappings (${[pi.categoryCombo?.id, ...(pi.categoryMappingIds ?? [])].filter(Boolean).join(', ')})`,
    };
  });
  return [...rows.filter((row) => !shown.has(row.programIndicator)), ...cellRows].sort((a, b) =>
    a.programIndicatorName.localeCompare(b.programIndicatorName),
  );
}

export interface ApplyResult {
  readonly changes: readonly MappingChange[];
  readonly refused: readonly string[];
  readonly written: number;
  readonly dryRun: boolean;
}

function refusals(
  edited: readonly MappingRow[],
  changes: readonly MappingChange[],
  known: ReadonlySet<string>,
  target: TargetMapping,
): string[] {
  const problems: string[] = [];
  for (const row of edited) {
    if (!known.has(row.programIndicator))
      problems.push(`${row.programIndicator} is not a program indicator of this job.`);
  }
  const changed = new Set(changes.map((change) => change.programIndicator));
  const aocs = new Set(
    target.metadata.categoryOptionCombos.flatMap((coc) => (coc.code ? [coc.code] : [])),
  );
  for (const row of edited.filter((candidate) => changed.has(candidate.programIndicator))) {
    const element = target.dataElements.get(row.dataElement);
    if (row.dataElement && !element)
      problems.push(
        `${row.programIndicator}: data element code "${row.dataElement}" does not exist in the target.`,
      );
    if (
      element &&
      row.categoryOptionCombo &&
      !element.categoryOptionCombos.has(row.categoryOptionCombo)
    ) {
      problems.push(
        `${row.programIndicator}: "${row.categoryOptionCombo}" is not a category option combo of ${row.dataElement}.`,
      );
    }
    if (row.attributeOptionCombo && !aocs.has(row.attributeOptionCombo)) {
      problems.push(
        `${row.programIndicator}: attribute option combo "${row.attributeOptionCombo}" does not exist in the target.`,
      );
    }
  }
  return problems;
}

/** `t2a mapping apply`: writes edited codes onto the indicators, touching nothing else of them. */
export async function applyMapping(
  ctx: JobContext,
  edited: readonly MappingRow[],
  options: { job?: string | undefined; dryRun: boolean },
): Promise<ApplyResult> {
  const clients = clientsFor(ctx, options.job);
  const { rows, target } = await currentRows(
    clients,
    edited.map((row) => row.dataElement),
  );
  const changes = diffMapping(rows, edited);
  const refused = refusals(
    edited,
    changes,
    new Set(rows.map((row) => row.programIndicator)),
    target,
  );
  if (refused.length > 0 || options.dryRun || changes.length === 0)
    return { changes, refused, written: 0, dryRun: options.dryRun };
  const changed = new Set(changes.map((change) => change.programIndicator));
  let written = 0;
  for (const row of edited.filter((candidate) => changed.has(candidate.programIndicator))) {
    await writeIndicator(clients.source, clients.job.mappingAttribute, row);
    written += 1;
  }
  return { changes, refused, written, dryRun: false };
}

/** Reads the indicator whole (`:owner`), changes the three mapping fields, and puts it back. */
async function writeIndicator(
  source: Dhis2Client,
  attribute: string,
  row: MappingRow,
): Promise<void> {
  const indicator = await source.get<Record<string, unknown>>(
    `programIndicators/${row.programIndicator}`,
    { fields: ':owner' },
  );
  const others = (
    (indicator.attributeValues as { attribute: { id: string } }[] | undefined) ?? []
  ).filter((entry) => entry.attribute.id !== attribute);
  const updated: Record<string, unknown> = {
    ...indicator,
    attributeValues: row.dataElement
      ? [...others, { attribute: { id: attribute }, value: row.dataElement }]
      : others,
  };
  for (const [field, value] of [
    ['aggregateExportCategoryOptionCombo', row.categoryOptionCombo],
    ['aggregateExportAttributeOptionCombo', row.attributeOptionCombo],
  ] as const) {
    if (value) updated[field] = value;
    else delete updated[field];
  }
  await source.request('PUT', `programIndicators/${row.programIndicator}`, {}, updated);
}
