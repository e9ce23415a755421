import type {
  RunningSandbox,
  SandboxContext,
  SandboxUserSpec,
} from '../../../src/sandbox/index.ts';
import type { MetadataObject } from '../../../src/sandbox/metadata/store.ts';
import { api, sandboxForFile } from '../helpers.ts';

/**
 * A small world for analytics tests, put straight into the sandbox's stores: an org unit tree of its
 * own (country → 2 districts → 3 facilities), one event program with a number data element, one tracker
 * program, and program indicators mapped with the real packages' attribute `vudyDP7jUy5`.
 */
export const MAPPING = 'vudyDP7jUy5';
export const OU_ATTRIBUTE = 'AnOuAttr001';
export const OU = {
  root: 'AnCountry01',
  north: 'AnDistrNth1',
  south: 'AnDistrSth1',
  clinicA: 'AnClinicA01',
  clinicB: 'AnClinicB01',
  clinicC: 'AnClinicC01',
} as const;
export const LEVEL_FACILITY = 'AnLevelFac1';
export const GROUP_PUBLIC = 'AnGroupPub1';
export const PROGRAM = 'AnProgEvt01';
export const STAGE = 'AnStageEvt1';
export const CASES = 'AnDeCases01';
export const TRACKER = 'AnProgTrk01';
export const TRACKER_STAGE = 'AnStageTrk1';
export const PI = {
  /** V{event_count}, decimals 0. */
  visits: 'AnPiVisits1',
  /** Sum of cases, no decimals set: "5.0". */
  cases: 'AnPiCases01',
  /** Average of cases, 2 decimals. */
  averageCases: 'AnPiAvgCas1',
  /** Enrollments of the tracker program, decimals 0. */
  enrollments: 'AnPiEnrol01',
} as const;

const ref = (id: string) => ({ id });

function orgUnit(id: string, name: string, path: string[], code?: string, extra = {}) {
  const parent = path[path.length - 2];
  return {
    id,
    name,
    shortName: name,
    ...(code ? { code } : {}),
    path: `/${path.join('/')}`,
    level: path.length,
    ...(parent ? { parent: ref(parent) } : {}),
    openingDate: '2000-01-01T00:00:00.000',
    ...extra,
  };
}

export function putTree(ctx: SandboxContext): void {
  const r = OU.root;
  ctx.metadata.putMany('organisationUnits', [
    orgUnit(r, 'Analytica', [r], 'AN'),
    orgUnit(OU.north, 'North', [r, OU.north], 'AN_N'),
    orgUnit(OU.south, 'South', [r, OU.south], 'AN_S'),
    orgUnit(OU.clinicA, 'Clinic A', [r, OU.north, OU.clinicA], 'AN_N_A', {
      attributeValues: [{ attribute: ref(OU_ATTRIBUTE), value: 'HMIS-A' }],
    }),
    // No code: an id scheme CODE falls back to the UID.
    orgUnit(OU.clinicB, 'Clinic B', [r, OU.north, OU.clinicB]),
    orgUnit(OU.clinicC, 'Clinic C', [r, OU.south, OU.clinicC], 'AN_S_C'),
  ]);
  ctx.metadata.put('organisationUnitLevels', {
    id: LEVEL_FACILITY,
    name: 'Analytica facility',
    level: 3,
  });
  ctx.metadata.put('organisationUnitGroups', {
    id: GROUP_PUBLIC,
    name: 'Public clinics',
    organisationUnits: [ref(OU.clinicA), ref(OU.clinicC)],
  });
}

/**
 * The boundaries the Maintenance app writes for a new indicator: its event (or enrollment) date within
 * the reporting period. Without any, DHIS2 restricts nothing by period (`hasNonDefaultBoundaries`).
 */
const inPeriod = (target: string) => [
  { boundaryTarget: target, analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD' },
  { boundaryTarget: target, analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD' },
];

function indicator(id: string, fields: Record<string, unknown>): MetadataObject {
  return {
    id,
    name: `Indicator ${id}`,
    shortName: id,
    code: `CODE_${id}`,
    program: ref(PROGRAM),
    analyticsType: 'EVENT',
    aggregationType: 'SUM',
    analyticsPeriodBoundaries: inPeriod(
      fields.analyticsType === 'ENROLLMENT' ? 'ENROLLMENT_DATE' : 'EVENT_DATE',
    ),
    ...fields,
  };
}

export function putPrograms(ctx: SandboxContext): void {
  ctx.metadata.put('dataElements', {
    id: CASES,
    name: 'Cases',
    valueType: 'NUMBER',
    domainType: 'TRACKER',
  });
  ctx.metadata.putMany('programs', [
    { id: PROGRAM, name: 'Analytica events', programType: 'WITHOUT_REGISTRATION' },
    { id: TRACKER, name: 'Analytica registry', programType: 'WITH_REGISTRATION' },
  ]);
  ctx.metadata.putMany('programStages', [
    { id: STAGE, name: 'Visit', program: ref(PROGRAM) },
    { id: TRACKER_STAGE, name: 'Follow-up', program: ref(TRACKER) },
  ]);
  const mapped = (value: string) => [{ attribute: ref(MAPPING), value }];
  ctx.metadata.putMany('programIndicators', [
    indicator(PI.visits, {
      expression: 'V{event_count}',
      aggregationType: 'COUNT',
      decimals: 0,
      attributeValues: mapped('HMIS_VISITS'),
      aggregateExportCategoryOptionCombo: 'COC_ALL',
    }),
    indicator(PI.cases, {
      expression: `#{${STAGE}.${CASES}}`,
      attributeValues: mapped('HMIS_CASES'),
      aggregateExportCategoryOptionCombo: 'COC_ALL',
      aggregateExportAttributeOptionCombo: 'AOC_MOH',
    }),
    indicator(PI.averageCases, {
      expression: `#{${STAGE}.${CASES}}`,
      aggregationType: 'AVERAGE',
      decimals: 2,
    }),
    indicator(PI.enrollments, {
      program: ref(TRACKER),
      analyticsType: 'ENROLLMENT',
      expression: 'V{enrollment_count}',
      aggregationType: 'COUNT',
      decimals: 0,
      attributeValues: mapped('HMIS_ENROLLED'),
    }),
  ]);
}

let counter = 0;
const nextId = (prefix: string) =>
  `${prefix}${String(++counter).padStart(11 - prefix.length, '0')}`;

/** An event of the event program; `lastUpdated` defaults to its date. */
export function addEvent(
  ctx: SandboxContext,
  e: {
    orgUnit: string;
    date: string;
    cases?: number;
    status?: string;
    lastUpdated?: string;
    id?: string;
  },
): string {
  const id = e.id ?? nextId('AnEv');
  ctx.db
    .prepare(
      `INSERT INTO events (id, enrollment, program, program_stage, org_unit, occurred_at, status, data_values, created, last_updated)
       VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      PROGRAM,
      STAGE,
      e.orgUnit,
      e.date,
      e.status ?? 'COMPLETED',
      JSON.stringify(e.cases === undefined ? {} : { [CASES]: String(e.cases) }),
      e.date,
      e.lastUpdated ?? e.date,
    );
  return id;
}

/** A person enrolled in the tracker program, with one follow-up event. */
export function addEnrollment(
  ctx: SandboxContext,
  e: { orgUnit: string; date: string; lastUpdated?: string },
): string {
  const te = nextId('AnTe');
  const enrollment = nextId('AnEn');
  const updated = e.lastUpdated ?? e.date;
  ctx.db
    .prepare(
      `INSERT INTO tracked_entities (id, tracked_entity_type, org_unit, attributes, created, last_updated)
       VALUES (?, 'AnPerson001', ?, '{}', ?, ?)`,
    )
    .run(te, e.orgUnit, e.date, updated);
  ctx.db
    .prepare(
      `INSERT INTO enrollments (id, tracked_entity, program, org_unit, enrolled_at, occurred_at, created, last_updated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(enrollment, te, TRACKER, e.orgUnit, e.date, e.date, e.date, updated);
  ctx.db
    .prepare(
      `INSERT INTO events (id, enrollment, program, program_stage, org_unit, occurred_at, data_values, created, last_updated)
       VALUES (?, ?, ?, ?, ?, ?, '{}', ?, ?)`,
    )
    .run(nextId('AnEv'), enrollment, TRACKER, TRACKER_STAGE, e.orgUnit, e.date, e.date, updated);
  return enrollment;
}

export const ANALYST = { username: 'analyst', password: 'Analyst123!' } as const;
export const CLERK = { username: 'clerk', password: 'Clerk1234!' } as const;
export const auth = (user: { username: string; password: string }) =>
  `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;

/**
 * A sandbox answering as `version`, with the world above, the clock pinned to `now`, an analyst (event
 * analytics, data capture and data view at the country) and a clerk (no authorities).
 */
export async function analyticsSandbox(
  version: string,
  now = new Date('2026-03-15T10:00:00Z'),
  extraUsers: readonly SandboxUserSpec[] = [],
): Promise<RunningSandbox> {
  const sandbox = await sandboxForFile({
    dhis2Version: version,
    seed: 'empty',
    facilities: 1,
    now,
    users: [
      {
        ...ANALYST,
        authorities: ['F_VIEW_EVENT_ANALYTICS'],
        orgUnits: [OU.root],
        dataViewOrgUnits: [OU.root],
      },
      { ...CLERK, authorities: [], orgUnits: [OU.clinicA], dataViewOrgUnits: [OU.north] },
      ...extraUsers,
    ],
  });
  putTree(sandbox.context);
  putPrograms(sandbox.context);
  return sandbox;
}

/** GET /api/analytics/dataValueSet.<format> with the parameters. */
export function dataValueSet(
  sandbox: RunningSandbox,
  params: string,
  init: { auth?: string; format?: 'json' | 'xml' | 'csv' } = {},
) {
  return api(sandbox, `/api/analytics/dataValueSet.${init.format ?? 'json'}?${params}`, {
    ...(init.auth ? { auth: init.auth } : {}),
  });
}

/** Starts the analytics job over HTTP and waits for its last notification. */
export async function runAnalyticsJob(sandbox: RunningSandbox, params = '') {
  const started = await api(sandbox, `/api/resourceTables/analytics${params}`, { method: 'POST' });
  const notifications = await waitForJob(sandbox, started.body.response.id);
  return { started, notifications };
}

export async function waitForJob(sandbox: RunningSandbox, id: string, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { body } = await api(sandbox, `/api/system/tasks/ANALYTICS_TABLE/${id}`);
    if (body[0]?.completed) return body as Record<string, unknown>[];
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`analytics job ${id} did not finish`);
}
