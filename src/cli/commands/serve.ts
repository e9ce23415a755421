import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { T2aError } from '../../core/errors.ts';
import { hashPassword } from '../../dashboard/password.ts';
import { type RunningDashboard, startDashboard } from '../../dashboard/server.ts';
import { type Scheduler, startScheduler } from '../../jobs/serve.ts';
import type { Logger } from '../../log.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/** The dead-man checks every five minutes; a failing check is logged, never lost in a floating promise. */
function watchMissedRuns(scheduler: Scheduler, logger: Logger): () => void {
  const check = () =>
    scheduler
      .checkMissedRuns()
      .catch((error: unknown) =>
        logger.error({ err: (error as Error).message }, 'missed-run check failed'),
      );
  check();
  const timer = setInterval(check, 5 * 60_000);
  return () => clearInterval(timer);
}

/** `t2a serve`: the jobs on their schedules, and the dashboard if configured, until SIGTERM. */
export function serveCommand(options: ConfigOptions): Promise<number> {
  return withContext(options, { store: true, notifiers: true, dashboard: true }, async (ctx) => {
    // The dashboard listens first: when it cannot (its port taken), serve stops with the error and its
    // fix (exit 2) before any job is scheduled, rather than run on without the dashboard it was asked for.
    const settings = ctx.config.config.serve.dashboard;
    const dashboard: RunningDashboard | undefined = settings
      ? await startDashboard(ctx, settings)
      : undefined;
    let scheduler: Scheduler;
    try {
      scheduler = startScheduler(ctx);
    } catch (error) {
      await dashboard?.stop(0);
      throw error;
    }
    for (const { job, at } of scheduler.nextRuns(3)) {
      process.stdout.write(
        `${job}: next runs ${at.map((date) => date.toISOString()).join(', ')}\n`,
      );
    }
    if (dashboard) process.stdout.write(`Dashboard: ${dashboard.url}\n`);
    ctx.logger.info(
      { jobs: scheduler.nextRuns(1), dashboard: dashboard?.url },
      't2a serve started',
    );
    const unwatch = watchMissedRuns(scheduler, ctx.logger);
    const graceSeconds = ctx.config.config.serve.graceSeconds;
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    process.stdout.write(`${signal}: finishing running jobs (up to ${graceSeconds} s)…\n`);
    ctx.logger.info({ signal }, 'shutting down');
    unwatch();
    await Promise.all([scheduler.stop(graceSeconds * 1000), dashboard?.stop(graceSeconds * 1000)]);
    return EXIT.OK;
  });
}

/** Reads one line: from a terminal without echoing it, or from a pipe. */
function readSecret(prompt: string): Promise<string> {
  const terminal = process.stdin.isTTY === true;
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  if (terminal) process.stderr.write(prompt);
  const lines = createInterface({
    input: process.stdin,
    output: terminal ? muted : undefined,
    terminal,
  });
  return new Promise((resolve) => {
    let answered = false;
    lines.once('line', (line) => {
      answered = true;
      lines.close();
      if (terminal) process.stderr.write('\n');
      resolve(line);
    });
    lines.once('close', () => {
      if (!answered) resolve('');
    });
  });
}

/** `t2a hash-password`: the hash to put in serve.dashboard.users (the password itself is never stored). */
export async function hashPasswordCommand(): Promise<number> {
  const password = await readSecret('Password: ');
  if (password.length < 8) {
    throw new T2aError('usage', 'The password is shorter than 8 characters.', {
      fix: 'Choose a longer password (a passphrase of a few words is easy to type and hard to guess).',
    });
  }
  process.stdout.write(`${await hashPassword(password)}\n`);
  return EXIT.OK;
}
