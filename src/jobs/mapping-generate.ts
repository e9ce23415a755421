import { T2aError } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';
import { planGroups, resolveGroup, type StoredGroup } from '../core/generated-groups.ts';
import { generatedCodePrefix } from '../core/generated-names.ts';
import {
  desiredIndicator,
  type Json,
  type ObjectPlan,
  planObjects,
  type SourceIndicator,
  takenNames,
} from '../core/generated-plan.ts';
import { forValidation, type Generation, generateIndicators } from '../core/mapping-generate.ts';
import type { MappingSpec } from '../core/mapping-spec.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import {
  fetchIndicatorGroups,
  fetchIndicatorInventory,
  fetchTargetElementCombos,
  fetchWhole,
} from '../dhis2/generate-metadata.ts';
import { importMetadata } from '../dhis2/metadata-import.ts';
import { getSystemInfo, type SystemInfo } from '../dhis2/system.ts';
import type { JobContext } from './context.ts';
import { everyTargetFindings, resolveBases, sourceFindings } from './mapping-generate-checks.ts';
import { nativeForm } from './mapping-generate-native.ts';
import type { Form, GenerateOptions, GenerateResult } from './mapping-generate-types.ts';
import { writeGenerated } from './mapping-generate-write.ts';
import { connectionClient, findJob } from './resolve-job.ts';

export type { GenerateOptions, GenerateResult } from './mapping-generate-types.ts';

/*
 * `t2a mapping generate`: the program indicators a mapping file describes, checked against the source
 * and the target, compared with what the source holds, and written in one atomic metadata import — or,
 * on a dry run, only shown. Orphans (indicators the file made and no longer names, known by their code
 * prefix) are listed, and removed only when asked.
 */

const EMPTY_PLAN: ObjectPlan = { create: [], update: [], unchanged: [] };

function refuseNative(source: Dhis2Client, info: SystemInfo): T2aError {
  return new T2aError(
    'usage',
    `--native writes DHIS2 2.42's program indicator disaggregation, and ${source.name} runs ${info.version.text}.`,
    {
      fix: 'Leave out --native: t2a then writes one indicator per combo, which every version from 2.36 reads.',
    },
  );
}

/** The per-combo form: every generated indicator as it is written. */
function perComboForm(generation: Generation, mappingAttribute: string): Form {
  return {
    indicators: generation.indicators.map((pi) => desiredIndicator(pi, mappingAttribute)),
    validated: generation.indicators.map((pi) => forValidation(pi, mappingAttribute)),
    members: generation.indicators,
    native: undefined,
    findings: [],
  };
}

/**
 * The indicators validation is to check: not those of a data element the generation already refused
 * (a combo without a code would otherwise come back as "no combo" and "duplicate" for each of them),
 * nor those whose expression or filter the source's parser refused (said once, by family).
 */
function unblocked(form: Form, generation: Generation, unparsed: ReadonlySet<string>) {
  const refused = new Set([
    ...unparsed,
    ...generation.findings.flatMap((finding) =>
      finding.severity === 'error' && finding.dataElement ? [finding.dataElement] : [],
    ),
  ]);
  return form.validated.filter(
    (indicator) => !indicator.attributeValues?.some((entry) => refused.has(String(entry.value))),
  );
}

/** What the source holds of the file's indicators, groups and orphans. */
interface SourceState {
  readonly inventory: readonly SourceIndicator[];
  readonly stored: ReadonlyMap<string, Json>;
  readonly groups: readonly StoredGroup[];
  readonly orphans: readonly SourceIndicator[];
}

async function sourceState(
  source: Dhis2Client,
  spec: MappingSpec,
  form: Form,
): Promise<SourceState> {
  const inventory = await fetchIndicatorInventory(source);
  const wanted = new Set(form.indicators.map((indicator) => indicator.id));
  const prefix = generatedCodePrefix(spec.key);
  const known = new Set(inventory.map((pi) => pi.id));
  return {
    inventory,
    stored: await fetchWhole(
      source,
      'programIndicators',
      [...wanted].filter((id) => known.has(id)),
    ),
    groups: await fetchIndicatorGroups(source, known),
    orphans: inventory.filter((pi) => pi.code?.startsWith(prefix) && !wanted.has(pi.id)),
  };
}

export async function generateMapping(
  ctx: JobContext,
  spec: MappingSpec,
  options: GenerateOptions,
): Promise<GenerateResult> {
  const job = findJob(ctx, options.job);
  const source = ctx.clients.client(job.source);
  // Every target must take the codes; the first one's combos name the options.
  const targetClients = job.targets.map((each) => connectionClient(ctx, job, each.connection));
  const target = targetClients[0]!;
  const info = await getSystemInfo(source);
  if (options.native && !info.profile.piDisaggregation) throw refuseNative(source, info);
  const { bases, findings: baseFindings } = await resolveBases(source, spec);
  const targets = await fetchTargetElementCombos(
    target,
    spec.families.map((family) => family.dataElement),
  );
  const generation = generateIndicators(spec, bases, targets);
  const checked = await sourceFindings(source, spec, bases);
  const mappingAttribute = job.mappingAttribute;
  const form = options.native
    ? await nativeForm(source, spec, { bases, targets, generation, mappingAttribute })
    : perComboForm(generation, mappingAttribute);
  const state = await sourceState(source, spec, form);
  const removing = new Set(options.removeOrphans ? state.orphans.map((pi) => pi.id) : []);
  const groupIds = new Set(
    form.members.map((member) => resolveGroup(spec.key, member.group, state.groups).id),
  );
  const findings: Finding[] = [
    ...baseFindings,
    ...generation.findings,
    ...form.findings,
    ...checked.findings,
    ...takenNames(form.indicators, state.inventory),
    ...(await everyTargetFindings(
      targetClients,
      source,
      job,
      unblocked(form, generation, checked.refused),
      {
        groups: groupIds,
        leaving: new Set([...removing, ...form.indicators.map((indicator) => indicator.id)]),
        sourceMetadata: checked.sourceMetadata,
      },
    )),
  ];
  const result: GenerateResult = {
    file: spec.path,
    job: job.name,
    source: { name: source.name, version: info.version.text },
    form: options.native ? 'native' : 'per-combo',
    dryRun: options.dryRun,
    indicators: planObjects(form.indicators, state.stored, mappingAttribute),
    created: form.native?.created ?? [],
    programs: form.native?.programs ?? EMPTY_PLAN,
    groups: planGroups(spec.key, form.members, state.groups, removing),
    orphans: state.orphans,
    removeOrphans: options.removeOrphans,
    findings,
    errors: findings.filter((finding) => finding.severity === 'error').length,
    imports: [],
    deleted: [],
  };
  if (result.errors > 0 || options.dryRun) return result;
  return write(source, info, result, state.stored, form, mappingAttribute);
}

/**
 * Sends the changes (an atomic import), then, when asked and the first import took, removes the
 * orphans in a second atomic import (importStrategy DELETE: all of them or none). They left their
 * groups in the first, so a refused removal leaves them out of every job.
 */
async function write(
  source: Dhis2Client,
  info: SystemInfo,
  result: GenerateResult,
  stored: ReadonlyMap<string, Json>,
  form: Form,
  mappingAttribute: string,
): Promise<GenerateResult> {
  const imports = await writeGenerated(source, info.profile, result, {
    stored,
    native: form.native,
    mappingAttribute,
  });
  if (imports.some((report) => report.status !== 'OK')) return { ...result, imports };
  if (!result.removeOrphans || result.orphans.length === 0) return { ...result, imports };
  const removal = await importMetadata(
    source,
    { programIndicators: result.orphans.map((orphan) => ({ id: orphan.id })) },
    'DELETE',
  );
  return {
    ...result,
    imports: [...imports, removal],
    deleted: removal.status === 'OK' ? result.orphans.map((orphan) => orphan.id) : [],
  };
}
