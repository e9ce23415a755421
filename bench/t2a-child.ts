import { loadConfig } from '../src/config/load.ts';
import { jobContext } from '../src/jobs/context.ts';
import { runSync } from '../src/jobs/sync.ts';
import { silentLogger } from '../src/log.ts';

/** One t2a sync in its own process, so its time and peak memory are its own. */
const [file] = process.argv.slice(2);
const started = performance.now();
const report = await runSync(jobContext(loadConfig(file!), silentLogger()), { force: true });
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({
    seconds,
    exported: report.totals.exported,
    sent: report.totals.sent,
    imported: report.totals.imported,
    updated: report.totals.updated,
    ignored: report.totals.ignored,
    outcome: report.outcome,
    failedChunks: report.jobs.flatMap((job) => job.failedChunks).length,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
