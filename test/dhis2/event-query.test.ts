import { describe, expect, it } from 'vitest';
import { Dhis2Client } from '../../src/dhis2/client.ts';
import { queryIndicatorRecords } from '../../src/dhis2/event-query.ts';
import { silentLogger } from '../../src/log.ts';

const PI = 'PiBcgDose01';

/** A server answering each GET with the next grid, keeping the URLs it was asked. */
function serverOf(grids: readonly unknown[]) {
  const asked: URL[] = [];
  let next = 0;
  const client = new Dhis2Client(
    {
      name: 'tracker',
      url: 'https://tracker.example.org',
      auth: { kind: 'basic', username: 'admin', password: 'district' },
      timeoutMs: 1000,
      retries: 0,
      retryDelayMs: 0,
    },
    silentLogger(),
    async (request) => {
      asked.push(new URL(request.url));
      return new Response(JSON.stringify(grids[next++]), {
        headers: { 'content-type': 'application/json' },
      });
    },
  );
  return { client, asked };
}

const headers = (...names: string[]) => names.map((name) => ({ name, column: name }));

describe('the records of an event or enrollment query', () => {
  it('reads an event grid as 2.36–2.43 write it (psi, ps, eventdate, pi), page by page', async () => {
    // Header names: EventAnalyticsService.ITEM_* (2.36.0), ColumnHeader (2.41.0, 2.43.0).
    const { client, asked } = serverOf([
      {
        headers: headers('psi', 'ps', 'eventdate', 'ou', 'ouname', 'pi', PI),
        rows: [
          [
            'Ev000000001',
            'StgVacc0001',
            '2026-03-04 00:00:00.0',
            'Ou000000001',
            'Kagote HC IV',
            'En000000001',
            '1',
          ],
          [
            'Ev000000002',
            'StgVacc0001',
            '2026-03-05 00:00:00.0',
            'Ou000000001',
            'Kagote HC IV',
            'En000000002',
            '',
          ],
        ],
        metaData: { pager: { page: 1, pageCount: 2 } },
      },
      {
        headers: headers('psi', 'ps', 'eventdate', 'ou', 'ouname', 'pi', PI),
        rows: [
          [
            'Ev000000003',
            'StgVacc0001',
            '2026-03-09',
            'Ou000000002',
            'Bugoye HC III',
            'En000000003',
            '0',
          ],
        ],
        metaData: { pager: { page: 2, pageCount: 2 } },
      },
    ]);
    const rows = await queryIndicatorRecords(client, {
      program: 'PrgEir00001',
      programIndicator: PI,
      analyticsType: 'EVENT',
      period: '202603',
      orgUnit: 'OuRoot00001',
    });
    expect(rows).toEqual([
      {
        uid: 'Ev000000001',
        enrollment: 'En000000001',
        date: '2026-03-04',
        orgUnit: 'Ou000000001',
        orgUnitName: 'Kagote HC IV',
        programStage: 'StgVacc0001',
        value: 1,
      },
      {
        uid: 'Ev000000002',
        enrollment: 'En000000002',
        date: '2026-03-05',
        orgUnit: 'Ou000000001',
        orgUnitName: 'Kagote HC IV',
        programStage: 'StgVacc0001',
        value: undefined,
      },
      {
        uid: 'Ev000000003',
        enrollment: 'En000000003',
        date: '2026-03-09',
        orgUnit: 'Ou000000002',
        orgUnitName: 'Bugoye HC III',
        programStage: 'StgVacc0001',
        value: 0,
      },
    ]);
    expect(asked.map((url) => url.pathname)).toEqual([
      '/api/analytics/events/query/PrgEir00001.json',
      '/api/analytics/events/query/PrgEir00001.json',
    ]);
    expect(asked[0]!.searchParams.getAll('dimension')).toEqual(['pe:202603', 'ou:OuRoot00001', PI]);
    expect(asked[1]!.searchParams.get('page')).toBe('2');
  });

  it('reads an enrollment grid (pi, enrollmentdate) without a pager', async () => {
    const { client, asked } = serverOf([
      {
        headers: headers('pi', 'tei', 'enrollmentdate', 'incidentdate', 'ou', 'ouname', PI),
        rows: [
          [
            'En000000001',
            'Te000000001',
            '2026-03-02 00:00:00.0',
            '2026-03-01',
            'Ou000000001',
            'Kagote HC IV',
            '2.5',
          ],
        ],
      },
    ]);
    const rows = await queryIndicatorRecords(client, {
      program: 'PrgEir00001',
      programIndicator: PI,
      analyticsType: 'ENROLLMENT',
      period: '2026Q1',
      orgUnit: 'Ou000000001',
    });
    expect(rows).toEqual([
      {
        uid: 'En000000001',
        enrollment: 'En000000001',
        date: '2026-03-02',
        orgUnit: 'Ou000000001',
        orgUnitName: 'Kagote HC IV',
        programStage: undefined,
        value: 2.5,
      },
    ]);
    expect(asked[0]!.pathname).toBe('/api/analytics/enrollments/query/PrgEir00001.json');
  });

  it('refuses a grid without the indicator as a column', async () => {
    const { client } = serverOf([{ headers: headers('psi', 'ps', 'eventdate'), rows: [] }]);
    await expect(
      queryIndicatorRecords(client, {
        program: 'PrgEir00001',
        programIndicator: PI,
        analyticsType: 'EVENT',
        period: '202603',
        orgUnit: 'Ou000000001',
      }),
    ).rejects.toMatchObject({ kind: 'dhis2' });
  });
});
