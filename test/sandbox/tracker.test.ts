import { describe, expect, it } from 'vitest';
import { api, sandboxForFile } from './helpers.ts';

const event = (id: string, orgUnit: string, occurredAt: string) => ({
  event: id,
  program: 'DemoEirPrg1',
  programStage: 'DemoVaccStg',
  orgUnit,
  occurredAt,
  dataValues: [{ dataElement: 'DemoDeVacc1', value: 'BCG' }],
});

// TrackerImportController: synchronous with async=false before 2.41, synchronous by default from 2.41.
describe('the tracker importer', async () => {
  const v240 = await sandboxForFile({
    dhis2Version: '2.40',
    seed: 'demo-tracker',
    facilities: 2,
    months: 0,
  });
  const v241 = await sandboxForFile({
    dhis2Version: '2.41',
    seed: 'demo-tracker',
    facilities: 2,
    months: 0,
  });
  const ou = v240.seed.facilities[0]!;

  it('creates, updates and deletes events, with the stats of an import report', async () => {
    const created = await api(v240, '/api/tracker?async=false', {
      body: { events: [event('EvTrack0001', ou, '2026-10-01')] },
    });
    expect(created.body).toMatchObject({
      status: 'OK',
      stats: { created: 1, updated: 0, deleted: 0, ignored: 0, total: 1 },
    });
    const updated = await api(v240, '/api/tracker?async=false', {
      body: { events: [event('EvTrack0001', ou, '2026-09-01')] },
    });
    expect(updated.body.stats).toMatchObject({ created: 0, updated: 1 });
    expect(
      v240.context.db.prepare("SELECT occurred_at FROM events WHERE id = 'EvTrack0001'").get(),
    ).toEqual({ occurred_at: '2026-09-01' });
    const deleted = await api(v240, '/api/tracker?async=false&importStrategy=DELETE', {
      body: { events: [{ event: 'EvTrack0001', programStage: 'DemoVaccStg' }] },
    });
    expect(deleted.body.stats.deleted).toBe(1);
  });

  it('answers with a job before 2.41 unless async=false, and synchronously from 2.41', async () => {
    const queued = await api(v240, '/api/tracker', {
      body: { events: [event('EvTrack0002', ou, '2026-10-01')] },
    });
    expect(queued.body.response.responseType).toBe('TrackerJob');
    const direct = await api(v241, '/api/tracker', {
      body: { events: [event('EvTrack0003', v241.seed.facilities[0]!, '2026-10-01')] },
    });
    expect(direct.body.stats.created).toBe(1);
  });

  it('reports an unknown org unit with an error report and 409', async () => {
    const { status, body } = await api(v240, '/api/tracker?async=false', {
      body: { events: [event('EvTrack0004', 'NoSuchOrgUn', '2026-10-01')] },
    });
    expect(status).toBe(409);
    expect(body.validationReport.errorReports[0]).toMatchObject({
      errorCode: 'E1049',
      trackerType: 'EVENT',
      uid: 'EvTrack0004',
    });
  });
});
