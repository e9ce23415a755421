import type { SandboxContext } from '../context.ts';
import { dhis2DateTime } from '../http/routes/system.ts';
import { type WebMessage, webMessage } from '../http/web-message.ts';
import { atLeast, type Dhis2Version } from '../version.ts';
import type { AnalyticsTableOptions } from './analytics-tables.ts';

/** `POST /api/resourceTables/analytics` parameters, as `ResourceTableController.analytics` binds them. */
export interface AnalyticsJobRequest extends AnalyticsTableOptions {
  readonly skipResourceTables: boolean;
  /** `AnalyticsTableType` names the job leaves alone. */
  readonly skipTableTypes: readonly string[];
  /** 2.41+. */
  readonly skipOutliers: boolean;
}

export interface JobConfiguration {
  readonly id: string;
  readonly name: string;
  readonly created: Date;
  readonly request: AnalyticsJobRequest;
}

/** Spring's boolean conversion: true, on, yes, 1. */
const isTrue = (value: string | undefined) =>
  value !== undefined && ['true', 'on', 'yes', '1'].includes(value.trim().toLowerCase());

/**
 * Reads the request parameters the version binds; the others are ignored, as Spring ignores unknown
 * parameters (skipOrgUnitOwnership from 2.39; skipValidationResult, skipTrackedEntities, skipOutliers
 * from 2.41).
 */
export function readAnalyticsJobRequest(
  version: Dhis2Version,
  param: (name: string) => string | undefined,
): AnalyticsJobRequest {
  const skip = (name: string, since = 36) => atLeast(version, since) && isTrue(param(name));
  const types: string[] = [];
  if (skip('skipAggregate')) types.push('DATA_VALUE', 'COMPLETENESS', 'COMPLETENESS_TARGET');
  if (skip('skipValidationResult', 41)) types.push('VALIDATION_RESULT');
  if (skip('skipEvents')) types.push('EVENT');
  if (skip('skipEnrollment')) types.push('ENROLLMENT');
  if (skip('skipOrgUnitOwnership', 39)) types.push('OWNERSHIP');
  if (skip('skipTrackedEntities', 41))
    types.push(
      'TRACKED_ENTITY_INSTANCE',
      'TRACKED_ENTITY_INSTANCE_EVENTS',
      'TRACKED_ENTITY_INSTANCE_ENROLLMENTS',
    );
  const lastYears = Number.parseInt(param('lastYears') ?? '', 10);
  return {
    skipEvents: types.includes('EVENT'),
    skipEnrollment: types.includes('ENROLLMENT'),
    lastYears: Number.isNaN(lastYears) ? undefined : lastYears,
    skipResourceTables: skip('skipResourceTables'),
    skipTableTypes: types,
    skipOutliers: skip('skipOutliers', 41),
  };
}

/** `AnalyticsJobParameters` as Jackson writes it (null `lastYears` left out; skipPrograms from 2.37). */
export function jobParameters(version: Dhis2Version, request: AnalyticsJobRequest) {
  return {
    ...(request.lastYears === undefined ? {} : { lastYears: request.lastYears }),
    skipTableTypes: [...request.skipTableTypes],
    ...(atLeast(version, 37) ? { skipPrograms: [] } : {}),
    skipResourceTables: request.skipResourceTables,
    ...(atLeast(version, 41) ? { skipOutliers: request.skipOutliers } : {}),
  };
}

const lastNameMillis = new WeakMap<SandboxContext, number>();

/**
 * The job's name: "inMemoryAnalyticsJob" up to 2.40; from 2.41 `new JobConfiguration(ANALYTICS_TABLE)`
 * names it "ANALYTICS_TABLE (<millis>)" with a unique timestamp (`JobConfiguration.nowUnique`).
 */
export function newJobConfiguration(
  ctx: SandboxContext,
  id: string,
  request: AnalyticsJobRequest,
): JobConfiguration {
  const created = ctx.clock.now();
  if (!atLeast(ctx.version, 41)) return { id, name: 'inMemoryAnalyticsJob', created, request };
  const millis = Math.max((lastNameMillis.get(ctx) ?? 0) + 1, created.getTime());
  lastNameMillis.set(ctx, millis);
  return { id, name: `ANALYTICS_TABLE (${millis})`, created, request };
}

/**
 * The job's status as the response shows it, before the job thread touches it: none up to 2.37 (a plain
 * field), SCHEDULED for 2.38–2.40 (the getter's default), NOT_STARTED from 2.41 (a run-once job with no
 * status yet). FAILED when 2.39/2.40 refuse a second job.
 */
function initialStatus(version: Dhis2Version): string | undefined {
  if (!atLeast(version, 38)) return undefined;
  return atLeast(version, 41) ? 'NOT_STARTED' : 'SCHEDULED';
}

/**
 * `WebMessageUtils.jobConfigurationReport`: "Initiated <name>" with a `JobConfigurationWebMessageResponse`
 * (its `responseType` from 2.42, where `WebMessageResponse` gained the getter). On 2.39/2.40 a job of the
 * type already running gives 409 "Job of type ANALYTICS_TABLE is already running" (`execute`).
 */
export function jobConfigurationReport(
  ctx: SandboxContext,
  job: JobConfiguration,
  refused: boolean,
): WebMessage {
  const status = refused ? 'FAILED' : initialStatus(ctx.version);
  const response = {
    ...(atLeast(ctx.version, 42) ? { responseType: 'JobConfiguration' } : {}),
    name: job.name,
    id: job.id,
    created: dhis2DateTime(job.created),
    jobType: 'ANALYTICS_TABLE',
    ...(status === undefined ? {} : { jobStatus: status }),
    jobParameters: jobParameters(ctx.version, job.request),
    relativeNotifierEndpoint: `/api/system/tasks/ANALYTICS_TABLE/${job.id}`,
  };
  return refused
    ? webMessage(409, 'ERROR', 'Job of type ANALYTICS_TABLE is already running', { response })
    : webMessage(200, 'OK', `Initiated ${job.name}`, { response });
}
