#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=100
// Runs the compiled JavaScript in dist/ (built by `npm ci`, through the package's `prepare` script).
// A sync's live data is a few tens of MB, but left to itself V8 grows its nursery to 32 MB and lets the
// old generation reach several times what is live before collecting: that, not data, was most of a
// national run's memory. A heap at most twice what is live keeps the peak under 200 MB from one to four
// million values (three times what is live passed it at four million). The nursery is the trade: at
// 1 MB a chunk's values outlived it and were collected again in the old generation (a third of a
// national run's own CPU went to the collector); at 16 MB the peak passed 200 MB at four million
// values; 4 MB keeps both (`npm run bench` measures CPU and peak memory).
import { existsSync } from 'node:fs';

// `t2a … | head` closes the pipe before t2a has written everything: nothing to report.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const [command] = process.argv.slice(2);
// The sandbox and the demo are separate programs: t2a's own commands never load them.
const entry =
  command === 'sandbox' ? 'sandbox/cli.js' : command === 'demo' ? 'demo/main.js' : 'cli/main.js';
const url = new URL(`../dist/${entry}`, import.meta.url);
if (!existsSync(url)) {
  process.stderr.write(
    `✖ t2a is not built (${url.pathname} is missing).\n  Fix: run \`npm ci\` (or \`npm run build\`) in ${new URL('..', import.meta.url).pathname}.\n`,
  );
  process.exit(2);
}
try {
  await import(url.href);
} catch (error) {
  // An install without the development dependencies should run both; should one of them ever need a
  // development dependency again, say so rather than print a stack trace.
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && (command === 'sandbox' || command === 'demo')) {
    process.stderr.write(
      `✖ \`t2a ${command}\` is a development tool and needs the development dependencies.\n  Fix: install with \`npm ci\` (without --omit=dev).\n`,
    );
    process.exit(2);
  }
  throw error;
}
