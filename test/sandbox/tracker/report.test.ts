import { describe, expect, it } from 'vitest';
import { api } from '../helpers.ts';
import {
  CLERK_AUTH,
  enrollment,
  person,
  postTracker,
  trackerSandbox,
  VERSIONS,
  vaccination,
} from './fixture.ts';

/**
 * The import report per version, as the report classes serialise it (NON_NULL):
 * TrackerImportReport 2.36–2.39 (TRK report @2.36.13 L59-L95, TrackerBundleReport {status,
 * typeReportMap, stats}), ImportReport 2.40 (bundleReport = PersistenceReport {typeReportMap, empty}),
 * ImportReport 2.41+ (@2.41.9 L67-L86: no timingsStats, Entity without index, Error with args).
 * `buildImportReport`: ERRORS mode drops the warnings (null ≤2.37, an empty list from 2.38) and
 * only FULL keeps timingsStats.
 */
const BUNDLE_KEYS: Record<string, string[]> = {
  '2.36': ['stats', 'status', 'typeReportMap'],
  '2.37': ['stats', 'status', 'typeReportMap'],
  '2.38': ['stats', 'status', 'typeReportMap'],
  '2.39': ['stats', 'status', 'typeReportMap'],
  '2.40': ['empty', 'typeReportMap'],
  '2.41': ['typeReportMap'],
  '2.42': ['typeReportMap'],
  '2.43': ['typeReportMap'],
};

/** E1049 per version (TrackerErrorCode @2.36.13–2.41.9, ValidationCode @2.42.5/2.43.1). */
const E1049 = (unit: string, version: string) =>
  ['2.42', '2.43'].includes(version)
    ? `Could not find OrganisationUnit: \`${unit}\` linked to TrackedEntity.`
    : `Could not find OrganisationUnit: \`${unit}\`, linked to Tracked Entity.`;

describe.each(VERSIONS)('the import report of %s', async (version) => {
  const { sandbox, unit } = await trackerSandbox(version);
  const since41 = !['2.36', '2.37', '2.38', '2.39', '2.40'].includes(version);

  it('reports a successful import with its bundle report', async () => {
    const { status, body } = await postTracker(sandbox, {
      trackedEntities: [person('TeRep000001', unit)],
    });
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual([
      'bundleReport',
      'stats',
      'status',
      'validationReport',
    ]);
    expect(body.status).toBe('OK');
    expect(body.stats).toEqual({ created: 1, updated: 0, deleted: 0, ignored: 0, total: 1 });
    expect(body.validationReport).toEqual(
      ['2.36', '2.37'].includes(version)
        ? { errorReports: [] }
        : { errorReports: [], warningReports: [] },
    );
    expect(Object.keys(body.bundleReport).sort()).toEqual(BUNDLE_KEYS[version]);
    expect(body.bundleReport.typeReportMap.TRACKED_ENTITY).toEqual({
      trackerType: 'TRACKED_ENTITY',
      stats: { created: 1, updated: 0, deleted: 0, ignored: 0, total: 1 },
      objectReports: [
        {
          trackerType: 'TRACKED_ENTITY',
          uid: 'TeRep000001',
          ...(since41 ? {} : { index: 0 }),
          errorReports: [],
        },
      ],
    });
    expect(Object.keys(body.bundleReport.typeReportMap).sort()).toEqual([
      'ENROLLMENT',
      'EVENT',
      'RELATIONSHIP',
      'TRACKED_ENTITY',
    ]);
  });

  it('carries timingsStats with reportMode=FULL up to 2.40 only', async () => {
    const { body } = await postTracker(
      sandbox,
      { trackedEntities: [person('TeRep000002', unit)] },
      '&reportMode=FULL',
    );
    expect('timingsStats' in body).toBe(!since41);
    expect(body.validationReport.warningReports).toEqual([]);
  });

  // AtomicMode ALL: one invalid object and nothing is persisted, every object ignored
  // (TrackerImportReportFinalizer.withValidationErrors @2.36.13; ImportReport.withValidationErrors @2.43.1 L100-L106).
  it('answers 409 with every object ignored when one is invalid', async () => {
    const payload = {
      trackedEntities: [person('TeRep000003', 'NoSuchOrgUn')],
      events: [vaccination('EvRep000003', 'EnNotThere1', unit)],
    };
    const { status, body } = await postTracker(sandbox, payload);
    expect(status).toBe(409);
    expect(body.status).toBe('ERROR');
    expect(body.stats).toEqual({ created: 0, updated: 0, deleted: 0, ignored: 2, total: 2 });
    expect(body.bundleReport).toBeUndefined();
    expect(body.validationReport.errorReports).toEqual([
      {
        message: E1049('NoSuchOrgUn', version),
        errorCode: 'E1049',
        trackerType: 'TRACKED_ENTITY',
        uid: 'TeRep000003',
        ...(since41 ? { args: ['NoSuchOrgUn'] } : {}),
      },
    ]);
    const events = sandbox.context.db
      .prepare("SELECT id FROM events WHERE id = 'EvRep000003'")
      .all();
    expect(events).toEqual([]);
  });

  // AtomicMode OBJECT: the valid objects are persisted; status OK; ignored counts the errors
  // (withImportCompleted: validationReport.size() + the persisters' ignored).
  it('persists the valid objects with atomicMode=OBJECT', async () => {
    const payload = {
      trackedEntities: [person('TeRep000004', unit), person('TeRep000005', 'NoSuchOrgUn')],
    };
    const { status, body } = await postTracker(sandbox, payload, '&atomicMode=OBJECT');
    expect(status).toBe(200);
    expect(body.stats).toEqual({ created: 1, updated: 0, deleted: 0, ignored: 1, total: 2 });
    expect(body.bundleReport.typeReportMap.TRACKED_ENTITY.stats).toEqual({
      created: 1,
      updated: 0,
      deleted: 0,
      ignored: 1,
      total: 2,
    });
  });

  // Arguments: 2.36 prints an object as `Class (uid)` (TrackerIdentifier.getIdAndName), 2.37+ its UID;
  // java.text.MessageFormat drops the quotes around 'F_TEI_CASCADE_DELETE'.
  it('words a refused cascade as the version does (E1100)', async () => {
    const me = (await api(sandbox, '/api/me', { auth: CLERK_AUTH })).body.id as string;
    await postTracker(sandbox, {
      trackedEntities: [
        {
          ...person('TeRep000006', unit),
          enrollments: [enrollment('EnRep000006', 'TeRep000006', unit)],
        },
      ],
    });
    const { body } = await postTracker(
      sandbox,
      { trackedEntities: [{ trackedEntity: 'TeRep000006' }] },
      '&importStrategy=DELETE',
      CLERK_AUTH,
    );
    const expected: Record<string, string> = {
      '2.36': `User: \`User (${me})\`, is lacking F_TEI_CASCADE_DELETE authority to delete TrackedEntityInstance: \`TrackedEntityInstance (TeRep000006)\`.`,
      '2.37': `User: \`${me}\`, is lacking F_TEI_CASCADE_DELETE authority to delete TrackedEntityInstance: \`TeRep000006\`.`,
      '2.41': `User: \`${me}\`, is lacking F_TEI_CASCADE_DELETE authority to delete TrackedEntity: \`TeRep000006\`.`,
      '2.42': `User: \`${me}\` lacks F_TEI_CASCADE_DELETE authority to delete TrackedEntity: \`TeRep000006\`.`,
    };
    const era =
      version === '2.36'
        ? '2.36'
        : ['2.37', '2.38', '2.39', '2.40'].includes(version)
          ? '2.37'
          : version === '2.41'
            ? '2.41'
            : '2.42';
    expect(body.validationReport.errorReports[0].message).toBe(expected[era]);
  });
});
