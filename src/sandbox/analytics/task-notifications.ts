import { randomInt } from 'node:crypto';
import type { SandboxContext } from '../context.ts';
import { dhis2DateTime } from '../http/routes/system.ts';

/**
 * A job notification as `/api/system/tasks/{jobType}/{jobId}` lists them (`Notification.java`): `id` and
 * `uid` are the same UID; `dataType`/`data` carry the job parameters on the first notification of a
 * `JobProgress` job (2.38+, `NotifierJobProgress.startingProcess`).
 */
export interface TaskNotification {
  readonly uid: string;
  readonly id: string;
  readonly level: 'LOOP' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly category: string;
  readonly time: string;
  readonly message: string;
  readonly completed: boolean;
  readonly dataType?: string;
  readonly data?: unknown;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALPHANUMERIC = `${LETTERS}0123456789`;

/** `CodeGenerator.generateUid`: a letter, then ten letters or digits. */
export function generateUid(): string {
  let uid = LETTERS[randomInt(LETTERS.length)]!;
  for (let i = 0; i < 10; i++) uid += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]!;
  return uid;
}

/** Appends a notification to a job's list; the `task_notifications` table is shared with other jobs. */
export function addNotification(
  ctx: SandboxContext,
  category: string,
  jobId: string,
  entry: Pick<TaskNotification, 'level' | 'message' | 'completed' | 'dataType' | 'data'>,
): void {
  const uid = generateUid();
  const notification: TaskNotification = {
    uid,
    id: uid,
    level: entry.level,
    category,
    time: dhis2DateTime(ctx.clock.now()),
    message: entry.message,
    completed: entry.completed,
    ...(entry.dataType === undefined ? {} : { dataType: entry.dataType, data: entry.data }),
  };
  ctx.db
    .prepare(
      `INSERT INTO task_notifications (job_id, category, seq, json)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), -1) + 1 FROM task_notifications WHERE job_id = ?), ?)`,
    )
    .run(jobId, category, jobId, JSON.stringify(notification));
}

/** A job's notifications, newest first; `[]` for an unknown job, as DHIS2 answers (`SystemController`). */
export function taskNotifications(
  ctx: SandboxContext,
  category: string,
  jobId: string,
): TaskNotification[] {
  const rows = ctx.db
    .prepare(
      'SELECT json FROM task_notifications WHERE job_id = ? AND category = ? ORDER BY seq DESC',
    )
    .all(jobId, category) as { json: string }[];
  return rows.map((row) => JSON.parse(row.json) as TaskNotification);
}

/** `GET /api/system/tasks/{jobType}`: every job of the type with its notifications, newest first. */
export function taskNotificationsByJob(
  ctx: SandboxContext,
  category: string,
): Record<string, TaskNotification[]> {
  const jobs = ctx.db
    .prepare('SELECT DISTINCT job_id FROM task_notifications WHERE category = ?')
    .all(category) as { job_id: string }[];
  return Object.fromEntries(
    jobs.map(({ job_id }) => [job_id, taskNotifications(ctx, category, job_id)]),
  );
}

export function clearNotifications(ctx: SandboxContext, category: string, jobId: string): void {
  ctx.db
    .prepare('DELETE FROM task_notifications WHERE job_id = ? AND category = ?')
    .run(jobId, category);
}
