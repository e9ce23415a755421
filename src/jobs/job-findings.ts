import { mappingKey } from '../core/mapping.ts';
import { type Finding, validateMapping } from '../core/validation.ts';
import type { ResolvedJob } from './resolve-job.ts';
import type { PreparedTarget } from './target.ts';

/**
 * What validation finds in a resolved job for one target: the mapping onto the target's metadata and
 * the indicators' references. `t2a validate` and `t2a sync` read the same findings, so a sync is never
 * looser than validate.
 */
export function mappingFindings(resolved: ResolvedJob, target: PreparedTarget): Finding[] {
  return validateMapping(resolved.deliveredIndicators, target.metadata, {
    mappingAttribute: resolved.job.mappingAttribute,
    periodType: resolved.job.periodType,
    requireMapping: true,
    source: resolved.sourceMetadata,
  });
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
  resolved: ResolvedJob,
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
