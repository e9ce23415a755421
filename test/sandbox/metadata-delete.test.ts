import { describe, expect, it } from 'vitest';
import { api, sandboxForFile } from './helpers.ts';

const indicator = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  shortName: name.slice(0, 50),
  program: { id: 'DemoEirPrg1' },
  analyticsType: 'EVENT',
  expression: 'V{event_count}',
  ...extra,
});

/*
 * What `t2a mapping generate` relies on in `POST /api/metadata`: program indicators' column limits and
 * uniqueness (E4001, E5003), and `importStrategy=DELETE` (E5001 for a missing object, atomic, the
 * deleted count, a deleted indicator leaving its groups).
 */
describe.each(['2.36', '2.42'])(
  'POST /api/metadata for program indicators on %s',
  async (version) => {
    const sandbox = await sandboxForFile({ dhis2Version: version, seed: 'demo-tracker' });
    const report = (body: any) => body.response ?? body;

    it('refuses a name over 230 characters and a short name another indicator holds, atomically', async () => {
      const { body } = await api(sandbox, '/api/metadata', {
        body: {
          programIndicators: [
            indicator('GenPiLong01', 'x'.repeat(231), { shortName: 'Long one' }),
            indicator('GenPiTwin01', 'Twin one', { shortName: 'Twin' }),
            indicator('GenPiTwin02', 'Twin two', { shortName: 'Twin' }),
          ],
        },
      });
      const errors = report(body).typeReports[0].objectReports.flatMap((o: any) => o.errorReports);
      expect(report(body).status).toBe('ERROR');
      expect(errors.map((e: any) => `${e.errorCode} ${e.errorProperty}`).sort()).toEqual([
        'E4001 name',
        'E5003 shortName',
      ]);
      expect(errors[0].message).toContain('230');
      const stored = await api(sandbox, '/api/programIndicators?filter=id:like:GenPi&fields=id');
      expect(stored.body.programIndicators).toEqual([]);
    });

    it('deletes with importStrategy=DELETE, the indicators leaving their group, or nothing if one is missing', async () => {
      const created = await api(sandbox, '/api/metadata', {
        body: {
          programIndicators: [
            indicator('GenPiDel001', 'Delete me 1'),
            indicator('GenPiDel002', 'Delete me 2'),
          ],
          programIndicatorGroups: [
            {
              id: 'GenPiGrp001',
              name: 'Generated',
              programIndicators: [{ id: 'GenPiDel001' }, { id: 'GenPiDel002' }],
            },
          ],
        },
      });
      expect(report(created.body).status).toBe('OK');
      const refused = await api(sandbox, '/api/metadata?importStrategy=DELETE&atomicMode=ALL', {
        body: { programIndicators: [{ id: 'GenPiDel001' }, { id: 'GenPiNone01' }] },
      });
      expect(report(refused.body).status).toBe('ERROR');
      const missing = report(refused.body).typeReports[0].objectReports[0].errorReports[0];
      expect(missing.errorCode).toBe('E5001');
      expect(missing.message).toContain('GenPiNone01');
      expect((await api(sandbox, '/api/programIndicators/GenPiDel001')).status).toBe(200);
      const deleted = await api(sandbox, '/api/metadata?importStrategy=DELETE', {
        body: { programIndicators: [{ id: 'GenPiDel001' }, { id: 'GenPiDel002' }] },
      });
      expect(report(deleted.body)).toMatchObject({ status: 'OK', stats: { deleted: 2, total: 2 } });
      expect((await api(sandbox, '/api/programIndicators/GenPiDel001')).status).toBe(404);
      const group = await api(
        sandbox,
        '/api/programIndicatorGroups/GenPiGrp001?fields=programIndicators',
      );
      expect(group.body.programIndicators).toEqual([]);
    });
  },
);
