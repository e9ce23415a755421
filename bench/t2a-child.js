import { loadConfig } from '../dist/config/load.js';
import { jobContext } from '../dist/jobs/context.js';
import { runSync } from '../dist/jobs/sync.js';
import { silentLogger } from '../dist/log.js';
import { openStore } from '../dist/store/open.js';
import { cpuSeconds, peakRssMb } from './peak-rss.js';

/**
 * One t2a sync in its own process, so its time and peak memory are its own: the compiled build, as
 * `t2a sync` runs it (the benchmark starts it with the Node flags of bin/t2a.js), with the store of its
 * configuration (history, lock lease, ledger and intents).
 */
const [file] = process.argv.slice(2);
const started = performance.now();
const loaded = loadConfig(file);
const store = await openStore(loaded.storePath);
const report = await runSync(jobContext(loaded, silentLogger(), { store }), { force: true });
await store.close();
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
    peakRssMb: peakRssMb(),
    cpuSeconds: cpuSeconds(),
  })}\n`,
);
