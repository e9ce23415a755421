import type { RunningSandbox } from '../../../src/sandbox/index.ts';
import { api, sandboxForFile } from '../helpers.ts';

/**
 * Tracker test sandboxes: the demo registry (programme DemoEirPrg1, stage DemoVaccStg, person type
 * DemoPerson1 with attributes DemoTeaSex1, DemoTeaDob1, DemoTeaFnm1, DemoTeaLnm1), no generated data,
 * plus what dhis2-core's own tests use: the four data elements DATAEL00001–4 of
 * `event_with_data_values.json` (EventDataValueTest) on an event programme, and relationship types.
 */
export const VERSIONS = ['2.36', '2.37', '2.38', '2.39', '2.40', '2.41', '2.42', '2.43'] as const;
export type Minor = (typeof VERSIONS)[number];

export const EVENT_PROGRAM = 'EvPrgDvTest';
export const EVENT_STAGE = 'EvStgDvTest';
export const DATA_ELEMENTS = ['DATAEL00001', 'DATAEL00002', 'DATAEL00003', 'DATAEL00004'] as const;
export const PERSON_TO_PERSON = 'RelTypPp001';
export const PERSON_TO_PERSON_BI = 'RelTypPpBi1';
export const CLERK = { username: 'clerk', password: 'Clerk123!' };
export const CLERK_AUTH = `Basic ${Buffer.from('clerk:Clerk123!').toString('base64')}`;

export interface TrackerSandbox {
  readonly sandbox: RunningSandbox;
  readonly unit: string;
}

export async function trackerSandbox(version: string, now?: Date): Promise<TrackerSandbox> {
  const sandbox = await sandboxForFile({
    dhis2Version: version,
    seed: 'demo-tracker',
    facilities: 2,
    months: 0,
    ...(now ? { now } : {}),
    users: [{ ...CLERK, authorities: ['F_TRACKED_ENTITY_INSTANCE_ADD', 'F_PROGRAM_ENROLLMENT'] }],
  });
  const loaded = await api(sandbox, '/api/metadata', { body: testMetadata() });
  if (loaded.status >= 300) throw new Error(`metadata not loaded: ${JSON.stringify(loaded.body)}`);
  return { sandbox, unit: sandbox.seed.facilities[0]! };
}

function testMetadata() {
  const ref = (id: string) => ({ id });
  const personEnd = {
    relationshipEntity: 'TRACKED_ENTITY_INSTANCE',
    trackedEntityType: ref('DemoPerson1'),
  };
  const relationshipType = (id: string, bidirectional: boolean) => ({
    id,
    name: `Person to person ${id}`,
    bidirectional,
    fromConstraint: personEnd,
    toConstraint: personEnd,
  });
  return {
    dataElements: DATA_ELEMENTS.map((id) => ({
      id,
      name: `Test ${id}`,
      shortName: id,
      valueType: 'TEXT',
      domainType: 'TRACKER',
      aggregationType: 'NONE',
    })),
    programs: [
      {
        id: EVENT_PROGRAM,
        name: 'Event programme (test)',
        shortName: 'Events (test)',
        programType: 'WITHOUT_REGISTRATION',
        programStages: [ref(EVENT_STAGE)],
      },
    ],
    programStages: [
      {
        id: EVENT_STAGE,
        name: 'Event stage (test)',
        program: ref(EVENT_PROGRAM),
        programStageDataElements: DATA_ELEMENTS.map((de, i) => ({
          id: `EvPsde${i}Test`,
          dataElement: ref(de),
          programStage: ref(EVENT_STAGE),
        })),
      },
    ],
    relationshipTypes: [
      relationshipType(PERSON_TO_PERSON, false),
      relationshipType(PERSON_TO_PERSON_BI, true),
    ],
  };
}

/** Enrollments and tracked entities are read by `orgUnit` (semicolons) up to 2.40, `orgUnits` from 2.41. */
export const orgUnitsParam = (version: string, unit: string) =>
  Number(version.split('.')[1]) >= 41 ? `orgUnits=${unit}` : `orgUnit=${unit}`;

/** POST /api/tracker synchronously. */
export function postTracker(sandbox: RunningSandbox, body: unknown, query = '', auth?: string) {
  return api(sandbox, `/api/tracker?async=false${query}`, {
    body,
    ...(auth ? { auth } : {}),
  });
}

/** Moves the sandbox's clock to a moment (it runs on from there). */
export function at(sandbox: RunningSandbox, time: string): void {
  sandbox.context.clock.set(new Date(time));
}

export const person = (id: string, unit: string, attributes: Record<string, string> = {}) => ({
  trackedEntity: id,
  trackedEntityType: 'DemoPerson1',
  orgUnit: unit,
  attributes: Object.entries(attributes).map(([attribute, value]) => ({ attribute, value })),
});

export const enrollment = (id: string, trackedEntity: string, unit: string) => ({
  enrollment: id,
  trackedEntity,
  program: 'DemoEirPrg1',
  orgUnit: unit,
  enrolledAt: '2026-09-01',
  occurredAt: '2026-09-01',
});

export const vaccination = (id: string, enrollmentId: string, unit: string, vaccine = 'BCG') => ({
  event: id,
  enrollment: enrollmentId,
  program: 'DemoEirPrg1',
  programStage: 'DemoVaccStg',
  orgUnit: unit,
  occurredAt: '2026-09-02',
  status: 'COMPLETED',
  dataValues: [{ dataElement: 'DemoDeVacc1', value: vaccine }],
});
