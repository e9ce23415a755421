import { describe, expect, it } from 'vitest';
import { api } from '../helpers.ts';
import {
  at,
  DATA_ELEMENTS,
  EVENT_PROGRAM,
  EVENT_STAGE,
  enrollment,
  person,
  postTracker,
  trackerSandbox,
  VERSIONS,
} from './fixture.ts';

const [DE1, DE2, DE3] = DATA_ELEMENTS;
const removed = (version: string) => version === '2.42' || version === '2.43';
const oldEvent = (id: string, unit: string, values: Record<string, string>) => ({
  event: id,
  program: EVENT_PROGRAM,
  programStage: EVENT_STAGE,
  orgUnit: unit,
  eventDate: '2026-09-10',
  status: 'COMPLETED',
  dataValues: Object.entries(values).map(([dataElement, value]) => ({ dataElement, value })),
});

describe.each(VERSIONS)('the older /api/events, %s', async (version) => {
  const { sandbox, unit } = await trackerSandbox(version, new Date('2026-10-07T08:00:00Z'));
  const valuesOf = (id: string) => {
    const row = sandbox.context.db
      .prepare('SELECT data_values FROM events WHERE id = ?')
      .get(id) as { data_values: string };
    return JSON.parse(row.data_values);
  };
  const three = { [DE1]: 'val1', [DE2]: 'val2', [DE3]: 'val3' };

  it(
    removed(version)
      ? 'is gone (404) from 2.42'
      : 'creates an event, answering ImportSummaries in a WebMessage',
    async () => {
      const { status, body, headers } = await api(sandbox, '/api/events', {
        body: oldEvent('EvOld000001', unit, three),
      });
      if (removed(version)) {
        expect(status).toBe(404);
        for (const path of [
          '/api/events',
          '/api/enrollments',
          '/api/trackedEntityInstances',
          '/api/events/EvOld000001',
        ])
          expect((await api(sandbox, path)).status).toBe(404);
        return;
      }
      expect(status).toBe(200);
      expect(body).toMatchObject({
        httpStatusCode: 200,
        status: 'OK',
        message: 'Import was successful.',
      });
      expect(body.response).toMatchObject({
        responseType: 'ImportSummaries',
        status: 'SUCCESS',
        imported: 1,
        updated: 0,
        deleted: 0,
        ignored: 0,
        total: 1,
      });
      expect(body.response.importSummaries[0]).toMatchObject({
        responseType: 'ImportSummary',
        status: 'SUCCESS',
        importCount: { imported: 1, updated: 0, ignored: 0, deleted: 0 },
        reference: 'EvOld000001',
      });
      expect(headers.get('location')).toMatch(/\/api\/events\/EvOld000001$/);
    },
  );

  if (removed(version)) return;

  // EventDataValueAggregatorTest (dxf2 @2.36.13): …PayloadHasLessDataValues L113 — 3 stored, payload 1,
  // no merge ⇒ 1; …withMerge L206 ⇒ 3 with the one updated; …withMergeAndEmptyDataValue L231 ⇒ 2.
  it('replaces the data values on update unless mergeDataValues=true', async () => {
    await api(sandbox, '/api/events', { body: oldEvent('EvOld000002', unit, three) });
    const replaced = await api(sandbox, '/api/events', {
      body: oldEvent('EvOld000002', unit, { [DE1]: 'val1' }),
    });
    expect(replaced.body.response.updated).toBe(1);
    expect(valuesOf('EvOld000002')).toEqual({ [DE1]: 'val1' });

    await api(sandbox, '/api/events', { body: oldEvent('EvOld000003', unit, three) });
    await api(sandbox, '/api/events?mergeDataValues=true', {
      body: oldEvent('EvOld000003', unit, { [DE1]: 'val5' }),
    });
    expect(valuesOf('EvOld000003')).toEqual({ [DE1]: 'val5', [DE2]: 'val2', [DE3]: 'val3' });

    await api(sandbox, '/api/events', { body: oldEvent('EvOld000004', unit, three) });
    await api(sandbox, '/api/events?mergeDataValues=true', {
      body: oldEvent('EvOld000004', unit, { [DE1]: '' }),
    });
    expect(valuesOf('EvOld000004')).toEqual({ [DE2]: 'val2', [DE3]: 'val3' });
  });

  // AbstractEventService.updateEvent forces mergeDataValues = singleValue = false (@2.36.13 L686, @2.41.9 L758).
  it('PUT /api/events/{uid} replaces every data value, mergeDataValues or not', async () => {
    await api(sandbox, '/api/events', { body: oldEvent('EvOld000005', unit, three) });
    const put = await api(sandbox, '/api/events/EvOld000005?mergeDataValues=true', {
      method: 'PUT',
      body: oldEvent('EvOld000005', unit, { [DE2]: 'only' }),
    });
    expect(put.status).toBe(200);
    expect(put.body.response).toMatchObject({
      responseType: 'ImportSummary',
      status: 'SUCCESS',
      importCount: { updated: 1 },
    });
    expect(valuesOf('EvOld000005')).toEqual({ [DE2]: 'only' });
    const missing = await api(sandbox, '/api/events/EvNoSuch001', {
      method: 'PUT',
      body: oldEvent('EvNoSuch001', unit, three),
    });
    expect(missing.status).toBe(409);
    expect(missing.body.response).toMatchObject({
      status: 'ERROR',
      description: "Event ID EvNoSuch001 doesn't point to valid event",
      conflicts: [{ object: 'Invalid Event ID', value: 'EvNoSuch001' }],
    });
  });

  // AbstractEventService.deleteEvent (@2.36.13 L779-L814): a missing event is still SUCCESS, ignored.
  it('DELETE /api/events/{uid} soft-deletes, and answers an unknown one as not present', async () => {
    await api(sandbox, '/api/events', { body: oldEvent('EvOld000006', unit, three) });
    const gone = await api(sandbox, '/api/events/EvOld000006', { method: 'DELETE' });
    expect(gone.status).toBe(200);
    expect(gone.body.response).toMatchObject({
      status: 'SUCCESS',
      description: 'Deletion of event EvOld000006 was successful',
      importCount: { deleted: 1 },
    });
    const again = await api(sandbox, '/api/events/EvOld000006', { method: 'DELETE' });
    expect(again.body.response).toMatchObject({
      status: 'SUCCESS',
      description: 'Event EvOld000006 cannot be deleted as it is not present in the system',
      importCount: { ignored: 1 },
    });
  });

  // EventManager.resolveImportableEvents (@2.36.13 L442-L444).
  it('refuses CREATE of an event that exists or was deleted, with 409', async () => {
    const { status, body } = await api(sandbox, '/api/events?strategy=CREATE', {
      body: oldEvent('EvOld000006', unit, three),
    });
    expect(status).toBe(409);
    expect(body.response.importSummaries[0].description).toBe(
      'Event EvOld000006 already exists or was deleted earlier',
    );
  });

  it('lists events changed since a time, deleted ones with includeDeleted=true', async () => {
    at(sandbox, '2026-10-07T09:00:00Z');
    await api(sandbox, '/api/events', { body: oldEvent('EvOld000007', unit, three) });
    const query = `/api/events?program=${EVENT_PROGRAM}&orgUnit=${unit}&lastUpdatedStartDate=2026-10-07T08:30:00&fields=event,deleted,lastUpdated`;
    const live = await api(sandbox, query);
    expect(live.body.pager).toEqual({ page: 1, pageSize: 50, isLastPage: true });
    expect(live.body.events.map((e: { event: string }) => e.event)).toEqual(['EvOld000007']);
    await api(sandbox, '/api/events/EvOld000007', { method: 'DELETE' });
    const withDeleted = await api(sandbox, `${query}&includeDeleted=true`);
    expect(withDeleted.body.events).toEqual([
      {
        event: 'EvOld000007',
        deleted: true,
        lastUpdated: expect.stringMatching(/^2026-10-07T09:00/),
      },
    ]);
  });
});

describe.each(VERSIONS.filter((v) => v !== '2.42' && v !== '2.43'))(
  'the older enrollment and TEI lists, %s',
  async (version) => {
    const { sandbox, unit } = await trackerSandbox(version);
    at(sandbox, '2026-10-08T10:00:00Z');
    await postTracker(sandbox, {
      trackedEntities: [
        {
          ...person('TeOld000001', unit),
          enrollments: [enrollment('EnOld000001', 'TeOld000001', unit)],
        },
      ],
    });
    const dayOnly = version === '2.36' || version === '2.37';

    // EnrollmentController (@2.36.13 L129-L190): `lastUpdated` compared by the day up to 2.37.
    it('lists enrollments updated since a time, by the day up to 2.37', async () => {
      const { status, body } = await api(
        sandbox,
        `/api/enrollments?ou=${unit}&program=DemoEirPrg1&lastUpdated=2026-10-08T11:00:00`,
      );
      expect(status).toBe(200);
      expect(body.pager).toEqual({ page: 1, pageSize: 50, isLastPage: true });
      expect(body.enrollments.map((e: { enrollment: string }) => e.enrollment)).toEqual(
        dayOnly ? ['EnOld000001'] : [],
      );
      const refused = await api(sandbox, '/api/enrollments?program=DemoEirPrg1');
      expect(refused.status).toBe(409);
    });

    // TrackedEntityInstanceController (@2.36.13 L158-L189): a pager only with totalPages=true.
    it('lists tracked entity instances with lastUpdatedStartDate', async () => {
      const { body } = await api(
        sandbox,
        `/api/trackedEntityInstances?ou=${unit}&trackedEntityType=DemoPerson1&lastUpdatedStartDate=2026-10-08T11:00:00`,
      );
      expect('pager' in body).toBe(false);
      expect(
        body.trackedEntityInstances.map(
          (t: { trackedEntityInstance: string }) => t.trackedEntityInstance,
        ),
      ).toEqual(dayOnly ? ['TeOld000001'] : []);
    });
  },
);
