import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadMappingFile } from '../config/mapping-file.ts';
import { T2aError } from '../core/errors.ts';
import type { MappingSpec } from '../core/mapping-spec.ts';
import type { JobContext } from './context.ts';
import { findJob } from './resolve-job.ts';

/*
 * A job's mapping file (`mappingFile:` of the job, relative to the configuration): what
 * `t2a mapping generate` reads when no --file is given, and what the dashboard's mapping page shows.
 */

/** The file's path, resolved against the configuration's folder; undefined where the job names none. */
export function jobMappingFilePath(ctx: JobContext, jobName?: string): string | undefined {
  const file = findJob(ctx, jobName).mappingFile;
  return file === undefined ? undefined : resolve(dirname(ctx.config.file), file);
}

/** The mapping file `--file` names, else the job's. */
export function mappingFileFor(
  ctx: JobContext,
  file: string | undefined,
  jobName?: string,
): MappingSpec {
  const path = file ?? jobMappingFilePath(ctx, jobName);
  if (path === undefined)
    throw new T2aError('usage', `Job ${findJob(ctx, jobName).name} names no mapping file.`, {
      fix: 'Name the file with --file, or give the job `mappingFile: mapping.yaml` in the configuration.',
    });
  return loadMappingFile(path);
}

export type JobMappingFile =
  | {
      readonly path: string;
      readonly text: string;
      readonly key: string;
      readonly families: number;
    }
  | { readonly path: string; readonly problem: string };

/** The job's mapping file as the dashboard shows it: its text, or why it cannot be read. */
export function readJobMappingFile(ctx: JobContext, jobName: string): JobMappingFile | undefined {
  const path = jobMappingFilePath(ctx, jobName);
  if (path === undefined) return undefined;
  try {
    const spec = loadMappingFile(path);
    return {
      path,
      text: readFileSync(path, 'utf8'),
      key: spec.key,
      families: spec.families.length,
    };
  } catch (error) {
    return { path, problem: (error as Error).message };
  }
}
