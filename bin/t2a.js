#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (built by `npm ci`, through the package's `prepare` script).
import { existsSync } from 'node:fs';

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
  // A production install (`npm prune --omit=dev`) leaves out what only the sandbox and the demo need.
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && (command === 'sandbox' || command === 'demo')) {
    process.stderr.write(
      `✖ \`t2a ${command}\` is a development tool and needs the development dependencies.\n  Fix: install with \`npm ci\` (without --omit=dev).\n`,
    );
    process.exit(2);
  }
  throw error;
}
