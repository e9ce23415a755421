import { T2aError } from '../core/errors.ts';
import { type IndicatorMapping, mappingKey } from '../core/mapping.ts';
import { type Finding, validateMapping } from '../core/validation.ts';
import type { ResolvedJob } from './resolve-job.ts';
import type { PreparedTarget } from './target.ts';

/**
 * What validation finds in a resolved job for one target: the mapping onto the target's metadata and
 * the indicators' references. `t2a validate` and `t2a sync` read the same findings, so a sync is never
 * looser than validate.
 */
export function mappingFindings(resolved: ResolvedJob, target: PreparedTarget): Finding[] {
  const disaggregation = resolved.disaggregation.perTarget[resolved.targets.indexOf(target)];
  return [
    ...validateMapping(resolved.deliveredIndicators, target.metadata, {
      mappingAttribute: resolved.job.mappingAttribute,
      periodType: resolved.job.periodType,
      requireMapping: true,
      source: resolved.sourceMetadata,
      extraMappings: disaggregation?.cells.map((cell) => cell.mapping),
    }),
    ...(disaggregation?.findings ?? []),
  ];
}

/** What is wrong with the job itself, whatever the target: org units it names that the source lacks. */
export function jobLevelFindings(resolved: ResolvedJob): Finding[] {
  if (resolved.missingOrgUnits.length === 0) return [];
  return [
    {
      kind: 'org-unit-root-missing',
      severity: 'error',
      message: `The job names org units or groups that ${resolved.source.client.name} does not have: ${resolved.missingOrgUnits.join(', ')}.`,
      fix: 'Correct the UIDs in the job’s orgUnits (roots, ids, groups); the others still run with --force.',
    },
  ];
}

/**
 * The values a target must not receive because their indicator failed validation, by mapping key, with
 * the finding: withheld even with --force, which only lets the rest go.
 */
export function failedMappings(
  resolved: { readonly mappings: readonly IndicatorMapping[] },
  findings: readonly Finding[],
): Map<string, Finding> {
  const failed = new Map<string, Finding>();
  for (const finding of findings) {
    if (finding.severity !== 'error' || !finding.programIndicator) continue;
    const mapping = resolved.mappings.find(
      (m) => m.programIndicator === finding.programIndicator?.id,
    );
    if (mapping && !failed.has(mappingKey(mapping))) failed.set(mappingKey(mapping), finding);
  }
  return failed;
}

/** What a run is refused with: the errors, named, and how to see and correct them. */
function refusal(job: string, errors: readonly Finding[], why: string): T2aError {
  const shown = errors.slice(0, 8).map((finding) => `  - ${finding.message}`);
  const more = errors.length > 8 ? `\n  … and ${errors.length - 8} more` : '';
  return new T2aError(
    'validation',
    `Job "${job}" was not run: ${why}:\n${shown.join('\n')}${more}`,
    {
      fix: `Run "t2a validate --job ${job}" for the whole report and correct what it names; --force sends what passes validation and withholds the rest.`,
      details: errors,
    },
  );
}

/**
 * Validation before any value moves, exactly as strict as `t2a validate` (the same findings, `jobFindings`):
 * a job with an error of any kind does not run, and with --force only what passes goes (the failed
 * indicators' values are withheld). A job with nothing valid to send does not run even forced.
 */
export function validateForRun(
  resolved: {
    readonly job: { readonly name: string };
    readonly mappings: readonly IndicatorMapping[];
  },
  found: { readonly job: readonly Finding[]; readonly perTarget: readonly (readonly Finding[])[] },
  force: boolean,
): Map<string, Finding>[] {
  const isError = (finding: Finding) => finding.severity === 'error';
  const perTarget = found.perTarget.map((findings) => findings.filter(isError));
  const errors = [...found.job.filter(isError), ...perTarget.flat()];
  if (errors.length > 0 && !force)
    throw refusal(resolved.job.name, errors, `validation found ${errors.length} error(s)`);
  const failed = perTarget.map((findings) => failedMappings(resolved, findings));
  if (resolved.mappings.every((mapping) => failed.every((map) => map.has(mappingKey(mapping)))))
    throw refusal(
      resolved.job.name,
      errors,
      'no indicator of it passes validation, so nothing can be sent',
    );
  return failed;
}
