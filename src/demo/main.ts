import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { periodsInWindow } from '../core/periods.ts';
import { hashPassword } from '../dashboard/password.ts';
import { type RunningSandbox, startSandbox } from '../sandbox/index.ts';

/**
 * `npm start`: two DHIS2 sandboxes (a tracker instance with an immunisation registry and two years of
 * generated events, an HMIS instance with the matching monthly data set), analytics on the tracker, then
 * `t2a sync` with examples/t2a.yaml exactly as a user runs it, and the result side by side.
 */
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(
    'Usage: t2a demo [--keep] [--dashboard]\n\nStarts two DHIS2 sandboxes (tracker and HMIS), runs analytics and t2a sync as a user would,\nand shows one facility and month side by side (what npm start runs).\n\n  --keep       leave the sandboxes running to look around\n  --dashboard  also start t2a serve with its dashboard on them (a password is made for you)\n',
  );
  process.exit(0);
}
const dashboard = process.argv.includes('--dashboard');
const keep = dashboard || process.argv.includes('--keep');
// The package root, from src/demo or dist/demo.
const root = fileURLToPath(new URL('../..', import.meta.url));
const say = (text = '') => process.stdout.write(`${text}\n`);
const auth = `Basic ${Buffer.from('admin:district').toString('base64')}`;

async function api<T = any>(
  instance: RunningSandbox,
  path: string,
  init: RequestInit = {},
): Promise<T> {
  const response = await fetch(`${instance.baseUrl}/api/${path}`, {
    ...init,
    headers: { authorization: auth, 'content-type': 'application/json' },
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function runAnalytics(tracker: RunningSandbox): Promise<void> {
  const started = await api(tracker, 'resourceTables/analytics?skipAggregate=true&lastYears=3', {
    method: 'POST',
  });
  const job = started.response.id as string;
  for (;;) {
    const notifications = await api<{ message: string; completed: boolean; level: string }[]>(
      tracker,
      `system/tasks/ANALYTICS_TABLE/${job}`,
    );
    const latest = notifications[0];
    if (latest?.completed) {
      if (latest.level === 'ERROR') throw new Error(`analytics failed: ${latest.message}`);
      say(`  ${latest.message}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * `t2a serve` with a dashboard, on the demo's configuration, store and log: the same file as the sync,
 * with a serve block added and a password made for this demo alone.
 */
async function serveDashboard(env: Record<string, string>): Promise<ChildProcess> {
  const password = randomBytes(9).toString('base64url');
  const config = readFileSync(`${root}examples/t2a.yaml`, 'utf8')
    .replace(/^store: t2a\.sqlite$/m, `store: ${root}examples/t2a.sqlite`)
    .replace(/^ {2}file: t2a\.log$/m, `  file: ${root}.t2a/demo.log`);
  const file = `${root}.t2a/demo-dashboard.yaml`;
  mkdirSync(`${root}.t2a`, { recursive: true });
  writeFileSync(
    file,
    `${config}\nserve:\n  dashboard:\n    port: 0\n    users: [{ username: demo, passwordHash: "\${T2A_ADMIN_HASH}" }]\n`,
  );
  say(`\n$ t2a serve --config .t2a/demo-dashboard.yaml   (log in as demo / ${password})\n`);
  return spawn(process.execPath, [`${root}bin/t2a.js`, 'serve', '--config', file], {
    stdio: 'inherit',
    env: { ...process.env, ...env, T2A_ADMIN_HASH: await hashPassword(password) },
  });
}

function t2aSync(env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        `${root}bin/t2a.js`,
        'sync',
        '--config',
        `${root}examples/t2a.yaml`,
        '--log-file',
        `${root}.t2a/demo.log`,
      ],
      {
        stdio: 'inherit',
        env: { ...process.env, ...env },
      },
    );
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function sideBySide(
  tracker: RunningSandbox,
  hmis: RunningSandbox,
  period: string,
): Promise<void> {
  const group = (
    await api(tracker, 'programIndicatorGroups?fields=id,programIndicators[id]&paging=false')
  ).programIndicatorGroups[0];
  // The busiest facility of the month makes the clearest example.
  const facilities = (
    await api(tracker, 'organisationUnits?fields=id,name&filter=level:eq:4&paging=false')
  ).organisationUnits as { id: string; name: string }[];
  const all = await api(
    tracker,
    `analytics/dataValueSet.json?dimension=dx:${group.programIndicators.map((pi: { id: string }) => pi.id).join(';')}&dimension=pe:${period}&dimension=ou:${facilities.map((f) => f.id).join(';')}`,
  );
  const totals = new Map<string, number>();
  for (const v of all.dataValues as { orgUnit: string; value: string }[])
    totals.set(v.orgUnit, (totals.get(v.orgUnit) ?? 0) + Number(v.value));
  const facility = facilities.reduce(
    (best, f) => ((totals.get(f.id) ?? 0) > (totals.get(best.id) ?? 0) ? f : best),
    facilities[0]!,
  );
  const indicators = await api(
    tracker,
    `programIndicators?fields=id,name,aggregateExportCategoryOptionCombo,attributeValues[value,attribute[id]]&filter=programIndicatorGroups.id:eq:${group.id}&paging=false`,
  );
  const counts = await api(
    tracker,
    `analytics/dataValueSet.json?dimension=dx:${group.programIndicators.map((pi: { id: string }) => pi.id).join(';')}&dimension=pe:${period}&dimension=ou:${facility.id}`,
  );
  const held = await api(
    hmis,
    `dataValueSets.json?dataSet=${(await api(hmis, 'dataSets?fields=id&paging=false')).dataSets[0].id}&period=${period}&orgUnit=${facility.id}&dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE`,
  );
  say(`\n${facility.name}, ${period}: tracker count (analytics) beside the value now in the HMIS`);
  say(
    `  ${'program indicator'.padEnd(46)} ${'→ data element / combo'.padEnd(40)} ${'tracker'.padStart(8)} ${'HMIS'.padStart(6)}`,
  );
  for (const pi of indicators.programIndicators) {
    const code = pi.attributeValues.find(
      (a: { attribute: { id: string } }) => a.attribute.id === 'vudyDP7jUy5',
    )?.value;
    const coc = pi.aggregateExportCategoryOptionCombo;
    const count =
      counts.dataValues.find((v: { dataElement: string }) => v.dataElement === pi.id)?.value ?? '—';
    const value =
      (held.dataValues ?? []).find(
        (v: { dataElement: string; categoryOptionCombo: string }) =>
          v.dataElement === code && v.categoryOptionCombo === coc,
      )?.value ?? '—';
    say(
      `  ${pi.name.slice(0, 46).padEnd(46)} ${`${code} / ${coc}`.slice(0, 40).padEnd(40)} ${String(count).padStart(8)} ${String(value).padStart(6)}`,
    );
  }
}

say('Starting two DHIS2 sandboxes: a tracker instance (2.40) and an HMIS (2.41)…');
const tracker = await startSandbox({ dhis2Version: '2.40', seed: 'demo-tracker', facilities: 20 });
const hmis = await startSandbox({ dhis2Version: '2.41', seed: 'demo-hmis', facilities: 20 });
say(`  tracker ${tracker.baseUrl}   HMIS ${hmis.baseUrl}   (user admin / district)`);
say('Running analytics on the tracker instance, as its nightly job would…');
await runAnalytics(tracker);
say('\n$ t2a sync --config examples/t2a.yaml\n');
const instances = {
  TRACKER_URL: tracker.baseUrl,
  TRACKER_TOKEN: tracker.seed.adminToken,
  HMIS_URL: hmis.baseUrl,
  HMIS_PASSWORD: 'district',
};
const code = await t2aSync(instances);
say(`\nt2a sync exited with ${code}.`);
const today = (await api(tracker, 'system/info')).serverDate.slice(0, 10);
const [month] = periodsInWindow({ periodType: 'Monthly', last: 1, includeCurrent: false }, today);
if (!month) throw new Error('no last month');
await sideBySide(tracker, hmis, month);
if (keep) {
  say('\nThe sandboxes keep running (Ctrl-C stops them). Try:');
  say(
    `  curl -u admin:district '${hmis.baseUrl}/api/dataValueSets.json?dataSet=DemoImmMon1&period=${month}&orgUnit=${hmis.seed.root}&children=true&dataElementIdScheme=CODE'`,
  );
  say(
    `  TRACKER_URL=${tracker.baseUrl} TRACKER_TOKEN=${tracker.seed.adminToken} HMIS_URL=${hmis.baseUrl} HMIS_PASSWORD=district npx t2a sync --config examples/t2a.yaml --dry-run`,
  );
  const serving = dashboard ? await serveDashboard(instances) : undefined;
  const stop = () => {
    serving?.kill('SIGTERM');
    void Promise.all([tracker.stop(), hmis.stop()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  await Promise.all([tracker.stop(), hmis.stop()]);
  say(
    '\nDone. `npm start -- --keep` leaves the sandboxes running to look around; `npm start -- --dashboard` opens the dashboard on them.',
  );
  process.exitCode = code;
}
