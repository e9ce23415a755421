import { spawnSync } from 'node:child_process';

/**
 * How long `t2a --help` takes against a bare Node.js start, side by side (alternating, median of
 * RUNS each): `npm run bench:startup`. The goal is at most 2.5× a bare start.
 */
const RUNS = Number(process.env.STARTUP_RUNS ?? 21);
const bin = new URL('../bin/t2a.js', import.meta.url).pathname;

function time(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const bare: number[] = [];
const help: number[] = [];
for (let i = 0; i < RUNS; i++) {
  bare.push(time(['-e', '']));
  help.push(time([bin, '--help']));
}
const result = {
  runs: RUNS,
  bareNodeMs: Math.round(median(bare)),
  t2aHelpMs: Math.round(median(help)),
  ratio: Number((median(help) / median(bare)).toFixed(2)),
};
process.stdout.write(
  `node -e "": ${result.bareNodeMs} ms; t2a --help: ${result.t2aHelpMs} ms; ratio ${result.ratio} (median of ${RUNS})\n${JSON.stringify(result)}\n`,
);
