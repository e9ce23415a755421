import { describe, expect, it } from 'vitest';
import { api } from '../helpers.ts';
import {
  at,
  enrollment,
  orgUnitsParam,
  person,
  postTracker,
  trackerSandbox,
  VERSIONS,
  vaccination,
} from './fixture.ts';

const since = (version: string, minor: number) => Number(version.split('.')[1]) >= minor;
const units = orgUnitsParam;
/** `skipPaging=true` up to 2.40, `paging=false` from 2.41 (only `paging` from 2.42). */
const unpaged = (version: string) => (since(version, 41) ? 'paging=false' : 'skipPaging=true');
const listOf = (body: Record<string, unknown>, key: string) =>
  (body[key] ?? body.instances) as Record<string, unknown>[];

describe.each(VERSIONS)('GET /api/tracker lists and their paging, %s', async (version) => {
  const { sandbox } = await trackerSandbox(version);
  const unit = sandbox.seed.facilities[1]!;
  await postTracker(sandbox, {
    trackedEntities: [person('TePage00001', unit), person('TePage00002', unit)],
  });
  const path = `/api/tracker/trackedEntities?trackedEntityType=DemoPerson1&${units(version, unit)}`;

  // ExportControllerPaginationTest: @2.41.9 L118-L143 (pager and the deprecated root numbers, no
  // totals by default); @2.42.5 L134-L150 (the pager alone, `{ "page": 1, "pageSize": 50 }`).
  it('answers the first page with the version’s paging fields', async () => {
    const { status, body } = await api(sandbox, path);
    expect(status).toBe(200);
    if (!since(version, 41)) {
      expect(Object.keys(body).sort()).toEqual(['instances', 'page', 'pageSize']);
      expect(body).toMatchObject({ page: 1, pageSize: 50 });
    } else if (version === '2.41') {
      expect(Object.keys(body).sort()).toEqual(['page', 'pageSize', 'pager', 'trackedEntities']);
      expect(body.pager).toEqual({ page: 1, pageSize: 50 });
    } else {
      expect(Object.keys(body).sort()).toEqual(['pager', 'trackedEntities']);
      expect(body.pager).toEqual({ page: 1, pageSize: 50 });
    }
    expect(
      listOf(body, 'trackedEntities')
        .map((t) => t.trackedEntity)
        .sort(),
    ).toEqual(['TePage00001', 'TePage00002']);
  });

  // ExportControllerPaginationTest.shouldGetPaginatedTrackedEntitiesLastPage (@2.42.5 L156-L182):
  // page 2 of 2 with totalPages=true: total 2, pageCount 2, a prevPage link, no nextPage.
  it('answers the last page with totals', async () => {
    const { body } = await api(sandbox, `${path}&page=2&pageSize=1&totalPages=true`);
    expect(listOf(body, 'trackedEntities')).toHaveLength(1);
    const numbers = {
      page: 2,
      pageSize: 1,
      total: 2,
      ...(since(version, 38) ? { pageCount: 2 } : {}),
    };
    if (!since(version, 41)) expect(body).toMatchObject(numbers);
    else if (version === '2.41') expect(body).toMatchObject({ ...numbers, pager: numbers });
    else {
      expect(body.pager).toMatchObject(numbers);
      expect(new URL(body.pager.prevPage).searchParams.get('page')).toBe('1');
      expect('nextPage' in body.pager).toBe(false);
      expect('page' in body).toBe(false);
    }
  });

  it('answers every row without a pager when paging is off', async () => {
    const { body } = await api(sandbox, `${path}&${unpaged(version)}`);
    expect(Object.keys(body)).toEqual([since(version, 41) ? 'trackedEntities' : 'instances']);
  });

  // RequestParamsValidator.validatePaginationParameters (@2.41.9 L406-L420; @2.43.1 L379-L388).
  it('refuses paging=false with a page from 2.41', async () => {
    const { status } = await api(sandbox, `${path}&${unpaged(version)}&page=1`);
    expect(status).toBe(since(version, 41) ? 400 : 200);
  });
});

describe.each(VERSIONS)('updatedAfter, %s', async (version) => {
  const { sandbox, unit } = await trackerSandbox(version);
  at(sandbox, '2026-10-06T10:00:00.500Z');
  await postTracker(sandbox, {
    trackedEntities: [
      {
        ...person('TePrec00001', unit),
        enrollments: [
          {
            ...enrollment('EnPrec00001', 'TePrec00001', unit),
            events: [vaccination('EvPrec00001', 'EnPrec00001', unit)],
          },
        ],
      },
    ],
  });
  const found = async (kind: 'events' | 'enrollments' | 'trackedEntities', after: string) => {
    const filter =
      kind === 'trackedEntities' ? 'trackedEntityType=DemoPerson1' : 'program=DemoEirPrg1';
    const ou = kind === 'events' ? `orgUnit=${unit}` : units(version, unit);
    const { status, body } = await api(
      sandbox,
      `/api/tracker/${kind}?${filter}&${ou}&updatedAfter=${encodeURIComponent(after)}`,
    );
    expect(status).toBe(200);
    return listOf(body, kind).length;
  };

  // Events: the bound cut to the second up to 2.38 (JdbcEventStore @2.36.13 L1431-L1437, @2.38.7
  // L1647-L1652), exact from 2.39. Enrollments and tracked entities: the day up to 2.37
  // (HibernateProgramInstanceStore @2.36.13 L144-L152, HibernateTrackedEntityInstanceStore L601-L620),
  // the second in 2.38, exact from 2.39. The objects were written at 10:00:00.5xx UTC.
  it('compares a bound 0.4 s after the write at the version’s precision', async () => {
    const after = '2026-10-06T10:00:00.900';
    expect(await found('events', after)).toBe(since(version, 39) ? 0 : 1);
    expect(await found('enrollments', after)).toBe(since(version, 39) ? 0 : 1);
    expect(await found('trackedEntities', after)).toBe(since(version, 39) ? 0 : 1);
  });

  it('compares a bound two hours later by the day only for enrollments and tracked entities up to 2.37', async () => {
    const after = '2026-10-06T12:00:00';
    expect(await found('events', after)).toBe(0);
    expect(await found('enrollments', after)).toBe(since(version, 38) ? 0 : 1);
    expect(await found('trackedEntities', after)).toBe(since(version, 38) ? 0 : 1);
  });

  // `>=` is inclusive; an offset is honoured, a zone-less time is the server's (UTC) wall clock
  // (DateUtils.parseDate @2.43.1 L85-L117).
  it('takes the bound inclusively, with or without an offset', async () => {
    expect(await found('events', '2026-10-06T10:00:00.500')).toBe(1);
    expect(await found('events', '2026-10-06T12:00:00.400+02:00')).toBe(1);
    expect(await found('trackedEntities', '2026-10-06T12:00:00.400+02:00')).toBe(1);
    expect(await found('events', '2026-10-06T12:00:01+02:00')).toBe(0);
  });
});

describe.each(VERSIONS)('required parameters of the lists, %s', async (version) => {
  const { sandbox, unit } = await trackerSandbox(version);
  const get = (path: string) => api(sandbox, path);

  // DefaultProgramInstanceService.validate (@2.36.13 L307-L311, @2.40.12 L262-L267), IllegalQueryException → 409;
  // 2.41+ default to ACCESSIBLE (RequestParamsValidator.validateOrgUnitMode @2.41.9 L358-L362).
  it('needs an org unit for enrollments up to 2.40', async () => {
    const { status, body } = await get('/api/tracker/enrollments?program=DemoEirPrg1');
    expect(status).toBe(since(version, 41) ? 200 : 409);
    if (!since(version, 41))
      expect(body.message).toBe('At least one organisation unit must be specified');
  });

  // DefaultTrackedEntityInstanceService.validate (@2.37.10 L565-L567) → 409; TrackedEntityRequestParamsMapper
  // (@2.41.9 L176-L180) → 400; 2.36 has no such check.
  it('needs a programme or a tracked entity type for tracked entities from 2.37', async () => {
    const { status, body } = await get(`/api/tracker/trackedEntities?${units(version, unit)}`);
    if (version === '2.36') expect(status).toBe(200);
    else if (!since(version, 41)) {
      expect(status).toBe(409);
      expect(body.message).toBe('Either Program or Tracked entity type should be specified');
    } else {
      expect(status).toBe(400);
      expect(body.message).toBe(
        'Either `program`, `trackedEntityType` or `trackedEntities` should be specified',
      );
    }
  });

  // EventsExportController @2.43.1 L154: `@RequestParam UID program`.
  it('needs a programme for events in 2.43', async () => {
    const { status } = await get(`/api/tracker/events?orgUnit=${unit}`);
    expect(status).toBe(version === '2.43' ? 400 : 200);
  });

  // AbstractEventService.getOuModeViolation (@2.36.13) → 409; RequestParamsValidator.validateOrgUnitIsPresent (2.41+) → 400.
  it('refuses a unit-bound org unit mode without an org unit', async () => {
    const mode = since(version, 41) ? 'orgUnitMode' : 'ouMode';
    const { status, body } = await get(`/api/tracker/events?program=DemoEirPrg1&${mode}=SELECTED`);
    expect(status).toBe(since(version, 41) ? 400 : 409);
    expect(body.message).toBe(
      since(version, 41)
        ? 'At least one org unit is required for orgUnitMode: SELECTED. Please add one org unit or use a different orgUnitMode.'
        : 'Organisation unit is required for ouMode: SELECTED',
    );
  });
});

describe.each(VERSIONS)('fields, %s', async (version) => {
  const { sandbox, unit } = await trackerSandbox(version);
  await postTracker(sandbox, {
    trackedEntities: [
      {
        ...person('TeFld000001', unit),
        enrollments: [
          {
            ...enrollment('EnFld000001', 'TeFld000001', unit),
            events: [vaccination('EvFld000001', 'EnFld000001', unit)],
          },
        ],
      },
    ],
  });
  const first = async (query: string) =>
    listOf(
      (await api(sandbox, `/api/tracker/events?program=DemoEirPrg1&orgUnit=${unit}${query}`)).body,
      'events',
    )[0]!;

  // 2.36 reads `fields` only for `href` (no field filter for PagingWrapper before 2.37).
  it('selects the named fields from 2.37', async () => {
    const event = await first('&fields=event,updatedAt,dataValues[value]');
    if (version === '2.36') expect(event.programStage).toBe('DemoVaccStg');
    else
      expect(event).toEqual({
        event: 'EvFld000001',
        updatedAt: event.updatedAt,
        dataValues: [{ value: 'BCG' }],
      });
  });

  // DEFAULT_FIELDS_PARAM `*,!relationships` (TrackerEventsExportController @2.38.7 L87 … EventRequestParams @2.43.1 L71).
  it('prints the fields the version prints by default', async () => {
    const event = await first('');
    expect(Object.keys(event)).toEqual(
      expect.arrayContaining([
        'event',
        'orgUnit',
        'program',
        'programStage',
        'occurredAt',
        'scheduledAt',
        'status',
        'updatedAt',
        'deleted',
        'dataValues',
      ]),
    );
    expect('relationships' in event).toBe(!since(version, 38));
    expect('orgUnitName' in event).toBe(!since(version, 41));
    expect(event.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);
  });
});
