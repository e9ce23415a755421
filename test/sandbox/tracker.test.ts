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

// TrackerImportController: a job unless async=false in every version — 2.36–2.41 map the synchronous
// handler to params = "async=false" (@2.41.9 L110-L177), 2.42+ default `async` to true
// (ImportRequestParams @2.42.5 L78).
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

  it('answers with a job unless async=false, on 2.41 too, and keeps the report for the job', async () => {
    const queued = await api(v240, '/api/tracker', {
      body: { events: [event('EvTrack0002', ou, '2026-10-01')] },
    });
    expect(queued.body).toMatchObject({ status: 'OK', message: 'Tracker job added' });
    expect(queued.body.response.responseType).toBe('TrackerJob');
    const queued41 = await api(v241, '/api/tracker', {
      body: { events: [event('EvTrack0003', v241.seed.facilities[0]!, '2026-10-01')] },
    });
    expect(queued41.body.response.responseType).toBe('TrackerJob');
    const report = await api(v241, `/api/tracker/jobs/${queued41.body.response.id}/report`);
    expect(report.body.stats).toEqual({ created: 1, updated: 0, deleted: 0, ignored: 0, total: 1 });
  });

  // An event's org unit is E1011 (event MetaValidator @2.40.12 L49); E1049 is a tracked entity's.
  it('reports an unknown org unit with an error report and 409', async () => {
    const { status, body } = await api(v240, '/api/tracker?async=false', {
      body: { events: [event('EvTrack0004', 'NoSuchOrgUn', '2026-10-01')] },
    });
    expect(status).toBe(409);
    expect(body.validationReport.errorReports[0]).toMatchObject({
      errorCode: 'E1011',
      message: 'Could not find OrganisationUnit: `NoSuchOrgUn`, linked to Event.',
      trackerType: 'EVENT',
      uid: 'EvTrack0004',
    });
  });
});
