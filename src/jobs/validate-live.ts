import type { JobConfig } from '../config/schema.ts';
import { isT2aError } from '../core/errors.ts';
import type { Finding } from '../core/validation.ts';
import type { JobContext } from './context.ts';
import { jobFindings } from './job-checks.ts';
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
    if (!isT2aError(error) || error.kind !== 'validation') throw error;
    const kind = (error.details as { finding?: string } | undefined)?.finding ?? 'unresolvable';
    return { kind, severity: 'error', message: error.message, fix: error.fix ?? '' };
  }
}

async function validateJob(ctx: JobContext, job: JobConfig): Promise<JobValidation> {
  const resolved = await resolveForValidation(ctx, job);
  if (!('job' in resolved))
    return { job: job.name, indicators: 0, mapped: 0, findings: [resolved] };
  const found = await jobFindings(resolved, { probeIndicators: true });
  const mapped = resolved.deliveredIndicators.filter((pi) =>
    pi.attributeValues?.some(
      (entry) => entry.attribute.id === job.mappingAttribute && entry.value.trim(),
    ),
  ).length;
  return {
    job: job.name,
    indicators: resolved.indicators.length,
    mapped,
    findings: [...found.job, ...found.perTarget.flat()],
  };
}
