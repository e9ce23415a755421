import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { type LoadedConfig, loadConfig } from '../../src/config/load.ts';
import type { RunReport } from '../../src/core/report.ts';
import { type JobContext, jobContext } from '../../src/jobs/context.ts';
import { runSync, type SyncOptions } from '../../src/jobs/sync.ts';
import { silentLogger } from '../../src/log.ts';
import { type RunningSandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/index.ts';
import { openStore } from '../../src/store/open.ts';
import type { T2aStore } from '../../src/store/types.ts';

export const ADMIN = { username: 'admin', password: 'district' };
const basic = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;

export async function sandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const running = await startSandbox(options);
  afterAll(() => running.stop());
  return running;
}

/** JSON from a sandbox as its admin. */
export async function get<T = any>(instance: RunningSandbox, path: string): Promise<T> {
  const response = await fetch(`${instance.baseUrl}/api/${path}`, {
    headers: { authorization: basic },
  });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function send(
  instance: RunningSandbox,
  method: string,
  path: string,
  body: unknown,
): Promise<any> {
  const response = await fetch(`${instance.baseUrl}/api/${path}`, {
    method,
    headers: { authorization: basic, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok && response.status !== 409)
    throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export interface DemoIds {
  readonly group: string;
  readonly root: string;
  readonly dataSet: string;
}

/** The demo's program indicator group, country and HMIS data set, read from the sandboxes. */
export async function demoIds(source: RunningSandbox, target: RunningSandbox): Promise<DemoIds> {
  const groups = await get(source, 'programIndicatorGroups?fields=id,name&paging=false');
  const roots = await get(source, 'organisationUnits?fields=id&filter=level:eq:1&paging=false');
  const dataSets = await get(target, 'dataSets?fields=id,periodType&paging=false');
  return {
    group: groups.programIndicatorGroups[0].id,
    root: roots.organisationUnits[0].id,
    dataSet: dataSets.dataSets[0].id,
  };
}

/**
 * The demo pair most tests start from: a tracker whose analytics has run and an HMIS, with the same
 * facilities, on the versions asked for; and the demo's ids read from them.
 */
export async function demoSandboxes(options: {
  readonly source: string;
  readonly target: string;
  readonly facilities: number;
  readonly now: Date;
  /** Users of the HMIS besides its admin. */
  readonly targetUsers?: SandboxOptions['users'];
  /** Users of the tracker besides its admin. */
  readonly sourceUsers?: SandboxOptions['users'];
}): Promise<{ source: RunningSandbox; target: RunningSandbox; ids: DemoIds }> {
  const { facilities, now } = options;
  const source = await sandbox({
    dhis2Version: options.source,
    seed: 'demo-tracker',
    runAnalytics: true,
    now,
    facilities,
    ...(options.sourceUsers ? { users: options.sourceUsers } : {}),
  });
  const target = await sandbox({
    dhis2Version: options.target,
    seed: 'demo-hmis',
    now,
    facilities,
    ...(options.targetUsers ? { users: options.targetUsers } : {}),
  });
  return { source, target, ids: await demoIds(source, target) };
}

export interface ConfigSpec {
  readonly source: RunningSandbox;
  readonly target: RunningSandbox | 'same';
  readonly group: string;
  readonly root: string;
  readonly periods?: string;
  readonly extraJob?: string;
  readonly connectionExtra?: string;
  readonly targetExtra?: string;
  /** Job-level YAML lines (each starting with four spaces), e.g. a reconcile block. */
  readonly jobExtra?: string;
  /** The target connection's auth, as YAML; the admin's token by default. */
  readonly targetAuth?: string;
  /** The job's chunk, as YAML (`{ periods: 1, orgUnits: 10 }` by default). */
  readonly chunk?: string;
  /** Seconds before a request is given up (5 by default). */
  readonly timeoutSeconds?: number;
  /** Top-level YAML appended to the file (a serve block…). */
  readonly topExtra?: string;
}

/** Writes a configuration for the sandboxes and loads it as `t2a sync` would. */
export function configFor(
  spec: ConfigSpec,
  extraEnv: Record<string, string> = {},
): {
  file: string;
  loaded: LoadedConfig;
  env: Record<string, string>;
} {
  const dir = mkdtempSync(join(tmpdir(), 't2a-e2e-'));
  const target = spec.target === 'same' ? 'same' : 'hmis';
  const text = `
connections:
  tracker:
    url: ${spec.source.baseUrl}
    auth: { username: admin, password: "\${SOURCE_PASSWORD}" }
    timeoutSeconds: ${spec.timeoutSeconds ?? 5}
    retries: 3
    retryDelaySeconds: 0.05${spec.connectionExtra ?? ''}
${
  spec.target === 'same'
    ? ''
    : `  hmis:
    url: ${spec.target.baseUrl}
    auth: ${spec.targetAuth ?? '{ token: "${TARGET_TOKEN}" }'}
    timeoutSeconds: ${spec.timeoutSeconds ?? 5}
    retries: 3
    retryDelaySeconds: 0.05`
}
jobs:
  - name: immunisation
    source: tracker
    programIndicators: { group: ${spec.group} }
    periods: ${spec.periods ?? '{ last: 3, includeCurrent: false }'}
    orgUnits: { roots: [${spec.root}], level: 4 }
    chunk: ${spec.chunk ?? '{ periods: 1, orgUnits: 10 }'}
${spec.jobExtra ?? ''}
    targets:
      - connection: ${target}${spec.targetExtra ?? ''}${spec.extraJob ?? ''}
store: ${join(dir, 't2a.sqlite')}
log:
  file: ${join(dir, 't2a.log')}
${spec.topExtra ?? ''}`;
  const file = join(dir, 't2a.yaml');
  writeFileSync(file, text);
  const env = {
    SOURCE_PASSWORD: ADMIN.password,
    TARGET_TOKEN: spec.target === 'same' ? 'unused' : spec.target.seed.adminToken,
    ...extraEnv,
  };
  return { file, loaded: loadConfig(file, env), env };
}

const stores = new Map<LoadedConfig, T2aStore>();

/** Runs t2a sync in-process with a store of its own per configuration (history, ledger, lock). */
export async function sync(loaded: LoadedConfig, options: SyncOptions = {}): Promise<RunReport> {
  let store = stores.get(loaded);
  if (!store) {
    store = await openStore(loaded.storePath);
    stores.set(loaded, store);
  }
  return runSync(contextOf(loaded, { store }), options);
}

/** The use cases' context for a configuration, logging nowhere. */
export function contextOf(
  loaded: LoadedConfig,
  extra: Parameters<typeof jobContext>[2] = {},
): JobContext {
  return jobContext(loaded, silentLogger(), extra);
}

export function storeOf(loaded: LoadedConfig): T2aStore | undefined {
  return stores.get(loaded);
}

/** Every data value analytics produces for the demo's mapped indicators, keyed as the target stores it. */
export async function expectedValues(
  source: RunningSandbox,
  group: string,
  root: string,
  periods: readonly string[],
): Promise<Map<string, string>> {
  const indicators = await get(
    source,
    `programIndicators?fields=id,decimals,aggregateExportCategoryOptionCombo,attributeValues[value,attribute[id]]&filter=programIndicatorGroups.id:eq:${group}&paging=false`,
  );
  const byId = new Map<string, any>(indicators.programIndicators.map((pi: any) => [pi.id, pi]));
  const units = await get(
    source,
    `organisationUnits?fields=id&filter=path:like:${root}&filter=level:eq:4&paging=false`,
  );
  // A hundred indicators and org units at a time: the sandbox refuses URLs over 8 KB, as nginx does.
  const rows: any[] = [];
  const hundreds = <T>(items: T[]) =>
    Array.from({ length: Math.ceil(items.length / 100) }, (_, i) =>
      items.slice(i * 100, i * 100 + 100),
    );
  for (const dx of hundreds([...byId.keys()]))
    for (const ou of hundreds(units.organisationUnits.map((u: any) => u.id))) {
      const exported = await get(
        source,
        `analytics/dataValueSet.json?dimension=dx:${dx.join(';')}&dimension=pe:${periods.join(';')}&dimension=ou:${ou.join(';')}`,
      );
      rows.push(...(exported.dataValues ?? []));
    }
  const expected = new Map<string, string>();
  for (const row of rows) {
    const pi = byId.get(row.dataElement);
    const code = pi.attributeValues.find((a: any) => a.attribute.id === 'vudyDP7jUy5')?.value;
    expected.set(
      `${code}|${pi.aggregateExportCategoryOptionCombo}|${row.period}|${row.orgUnit}`,
      String(Number(row.value)),
    );
  }
  return expected;
}

/** What the target holds for the data set, keyed by data element code, COC code, period and org unit. */
export async function targetValues(
  target: RunningSandbox,
  dataSet: string,
  root: string,
  periods: readonly string[],
): Promise<Map<string, string>> {
  const query = periods.map((period) => `period=${period}`).join('&');
  const body = await get(
    target,
    `dataValueSets.json?dataSet=${dataSet}&${query}&orgUnit=${root}&children=true&dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE`,
  );
  // 2.43 names a period or org unit the read has one of at the top, not in each value.
  return new Map(
    (body.dataValues ?? []).map((v: any) => [
      `${v.dataElement}|${v.categoryOptionCombo}|${v.period ?? body.period}|${v.orgUnit ?? body.orgUnit}`,
      v.value,
    ]),
  );
}

/** A group's program indicators, whole (`:owner`), as the Maintenance app edits them. */
export async function indicators(instance: RunningSandbox, group: string): Promise<any[]> {
  const body = await get(
    instance,
    `programIndicators?fields=:owner&filter=programIndicatorGroups.id:eq:${group}&paging=false`,
  );
  return body.programIndicators;
}

/** An indicator with its mapping attribute set to `code`, or emptied. */
export const withCode = (pi: any, code: string | undefined) => ({
  ...pi,
  attributeValues: code === undefined ? [] : [{ attribute: { id: 'vudyDP7jUy5' }, value: code }],
});

/** Runs the source's analytics tables now, as its scheduled job would. */
export async function runAnalytics(instance: RunningSandbox): Promise<void> {
  const { runAnalyticsNow } = await import('../../src/sandbox/analytics/analytics-job.ts');
  runAnalyticsNow(instance.context);
}

/** The demo tracker programme's vaccination stage. */
export const STAGE = 'DemoVaccStg';

export const uid = (prefix: string, id: string) => `${prefix}${id}`.padEnd(11, '0');

/** A child vaccinated once, written through the tracker API as a registry app would. */
export function child(
  id: string,
  orgUnit: string,
  sex: 'FEMALE' | 'MALE',
  born: string,
  vaccine: string,
  dose: number,
  on: string,
) {
  return {
    trackedEntity: uid('Te', id),
    trackedEntityType: 'DemoPerson1',
    orgUnit,
    attributes: [
      { attribute: 'DemoTeaSex1', value: sex },
      { attribute: 'DemoTeaDob1', value: born },
    ],
    enrollments: [
      {
        enrollment: uid('En', id),
        program: 'DemoEirPrg1',
        orgUnit,
        enrolledAt: born,
        events: [
          {
            event: uid('Ev', id),
            programStage: STAGE,
            orgUnit,
            occurredAt: on,
            dataValues: [
              { dataElement: 'DemoDeVacc1', value: vaccine },
              { dataElement: 'DemoDeDose1', value: String(dose) },
            ],
          },
        ],
      },
    ],
  };
}

const BIN = new URL('../../bin/t2a.js', import.meta.url).pathname;

/** `t2a …` as cron starts it: its own process, stdout and stderr piped. */
export function spawnT2a(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The exit code, or null when a signal ended it. */
export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

/** `t2a …` run to its end: its exit code and what it printed. */
export async function runT2a(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
