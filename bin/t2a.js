#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx t2a` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const [command] = process.argv.slice(2);
// The sandbox and the demo are separate programs: t2a's own CLI never imports the sandbox.
const entry =
  command === 'sandbox'
    ? '../src/sandbox/cli.ts'
    : command === 'demo'
      ? '../demo/main.ts'
      : '../src/cli/main.ts';
await import(new URL(entry, import.meta.url).href);
