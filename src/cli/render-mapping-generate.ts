import type { FieldChange, ObjectPlan } from '../core/generated-plan.ts';
import type { MetadataImportReport } from '../dhis2/metadata-import.ts';
import type { GenerateResult } from '../jobs/mapping-generate.ts';
import { renderFinding } from './render-validation.ts';

/** `t2a mapping generate` for a person: the plan, the findings, then what was written or why not. */

const shown = (text: string) => {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 160 ? `"${line.slice(0, 157)}…"` : `"${line}"`;
};

/** A programme's category mappings (JSON in the plan) by name and number of options. */
function mappingsShown(text: string): string {
  try {
    const mappings = (text ? JSON.parse(text) : []) as {
      mappingName?: string;
      optionMappings?: unknown[];
    }[];
    if (mappings.length === 0) return 'none';
    return mappings
      .map((m) => `"${m.mappingName ?? '?'}" (${m.optionMappings?.length ?? 0} options)`)
      .join(', ');
  } catch {
    return shown(text);
  }
}

const change = (c: FieldChange) =>
  c.field === 'categoryMappings'
    ? `      ${c.field}: ${mappingsShown(c.from)} → ${mappingsShown(c.to)}`
    : `      ${c.field}: ${shown(c.from)} → ${shown(c.to)}`;

function renderObjects(what: string, plan: ObjectPlan, verb: (done: string) => string): string[] {
  const lines: string[] = [];
  if (plan.create.length > 0) {
    lines.push(`${verb('create')} ${plan.create.length} ${what}:`);
    for (const object of plan.create) {
      const fields = object.fields;
      const target = [fields.aggregateExportDataElement, fields.aggregateExportCategoryOptionCombo]
        .filter((value) => typeof value === 'string')
        .join(' / ');
      lines.push(`  + ${object.name} (${object.id})${target ? ` → ${target}` : ''}`);
    }
  }
  if (plan.update.length > 0) {
    lines.push(`${verb('change')} ${plan.update.length} ${what}:`);
    for (const update of plan.update) {
      lines.push(`  ~ ${update.desired.name} (${update.desired.id})`);
      lines.push(...update.changes.map(change));
    }
  }
  if (plan.unchanged.length > 0) lines.push(`Unchanged: ${plan.unchanged.length} ${what}.`);
  return lines;
}

function renderGroups(result: GenerateResult, verb: (done: string) => string): string[] {
  return result.groups.map((group) =>
    group.create
      ? `${verb('create')} the program indicator group "${group.name}" (${group.id}) with ${group.members.length} indicator(s).`
      : `${verb('change')} the group "${group.name}" (${group.id}): ${group.added.length} indicator(s) in, ${group.removed.length} out.`,
  );
}

function renderOrphans(result: GenerateResult): string[] {
  if (result.orphans.length === 0) return [];
  const fate = !result.removeOrphans
    ? 'kept: run again with --remove-orphans to remove them'
    : result.dryRun || result.errors > 0
      ? 'would be removed (--remove-orphans)'
      : result.deleted.length > 0
        ? 'removed (--remove-orphans)'
        : 'not removed: see below';
  return [
    `${result.orphans.length} indicator(s) made by this file earlier and no longer in it (${fate}):`,
    ...result.orphans.map((orphan) => `  - ${orphan.name} (${orphan.id}) ${orphan.code ?? ''}`),
  ];
}

export function renderImport(report: MetadataImportReport): string[] {
  const { created, updated, deleted, ignored } = report.stats;
  return [
    `DHIS2's import report: ${report.status}: ${created} created, ${updated} updated, ${deleted} deleted, ${ignored} ignored.`,
    ...report.types.map(
      (type) =>
        `  ${type.klass.split('.').at(-1)}: ${type.stats.created} created, ${type.stats.updated} updated, ${type.stats.ignored} ignored`,
    ),
    ...report.errors.map((error) =>
      `  ✖ ${error.errorCode ?? ''} ${error.message}${error.uid ? ` (${error.uid})` : ''}`.trimEnd(),
    ),
  ];
}

function outcome(result: GenerateResult): string {
  const [first, ...rest] = result.imports;
  if (result.errors > 0)
    return `✖ Nothing was written: ${result.errors} error(s) above. Correct them and generate again.`;
  if (first && first.status !== 'OK')
    return '✖ The source refused the import (atomic: nothing of it was written); DHIS2’s messages above.';
  if (rest.some((report) => report.status !== 'OK'))
    return '✖ Written, but the source refused to remove the orphans (atomic: none was removed; they left their groups); DHIS2’s messages above.';
  if (result.dryRun) return 'Dry run: nothing was written.';
  if (result.imports.length === 0)
    return 'Nothing to change: the source already holds what the file describes.';
  return `Written.${result.deleted.length > 0 ? ` ${result.deleted.length} orphan(s) removed.` : ''}`;
}

export function renderGenerate(result: GenerateResult): string {
  const written = !result.dryRun && result.errors === 0 && result.imports[0]?.status === 'OK';
  const verb = (what: string) =>
    written ? `${what[0]!.toUpperCase()}${what.slice(1)}d` : `Would ${what}`;
  const form =
    result.form === 'native'
      ? 'one disaggregated indicator per family (2.42+)'
      : 'one indicator per combo';
  const lines = [
    `${result.file} → ${result.source.name} (DHIS2 ${result.source.version}), job ${result.job}: ${form}.`,
    '',
    ...result.created.map(
      (entry) =>
        `${verb('create')} ${entry.objects.length} ${entry.type}: ${entry.objects.map((o) => `${String(o.name)} (${String(o.code ?? o.id)})`).join(', ')}`,
    ),
    ...renderObjects('programme(s)’ category mappings', result.programs, verb),
    ...renderObjects('program indicator(s)', result.indicators, verb),
    ...renderGroups(result, verb),
    ...renderOrphans(result),
  ];
  const findings = [...result.findings].sort(
    (a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'),
  );
  if (findings.length > 0) lines.push('', ...findings.flatMap(renderFinding));
  for (const report of result.imports) lines.push('', ...renderImport(report));
  lines.push('', outcome(result));
  return lines.join('\n');
}
