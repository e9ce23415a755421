import { describe, expect, it } from 'vitest';
import { serverProfile } from '../../src/dhis2/server-profile.ts';
import { parseServerVersion } from '../../src/dhis2/version.ts';

/**
 * What t2a does differently per DHIS2 version, as a table read from dhis2-core (api-notes §0–§3):
 * `outputDataItemIdScheme` from 2.41 (AggregateAnalyticsQueryCriteria), the analytics skip options
 * (skipOrgUnitOwnership 2.39, skipValidationResult/skipOutliers/skipTrackedEntities 2.41,
 * AnalyticsJobParameters), per-data-set imports of the 2.43 DataEntryPipeline, conflict indexes and
 * personal access tokens on by default from 2.38 (ConfigurationKey.ENABLE_API_TOKEN_AUTHENTICATION is
 * off in every 2.37 tag), conflict indexes from 2.37 (ImportConflict), and the `input…IdScheme`
 * parameters of GET /api/dataValueSets from 2.37.7 (DataValueSetQueryParams).
 */
const TABLE: readonly [
  version: string,
  dataItemScheme: boolean,
  orgUnitOwnership: boolean,
  validationResult: boolean,
  perDataSet: boolean,
  indexes: boolean,
  tokens: boolean,
  inputSchemes: boolean,
][] = [
  ['2.36.13', false, false, false, false, false, false, false],
  ['2.37.6', false, false, false, false, true, false, false],
  ['2.37.7', false, false, false, false, true, false, true],
  ['2.38.6', false, false, false, false, true, true, true],
  ['2.39.4', false, true, false, false, true, true, true],
  ['2.40.3', false, true, false, false, true, true, true],
  ['2.41.0', true, true, true, false, true, true, true],
  ['2.42.1', true, true, true, false, true, true, true],
  ['2.43.0', true, true, true, true, true, true, true],
];

describe('the server profile per DHIS2 version', () => {
  for (const [
    text,
    dataItemScheme,
    orgUnitOwnership,
    validationResult,
    perDataSet,
    indexes,
    tokens,
    inputSchemes,
  ] of TABLE) {
    it(`${text}`, () => {
      const profile = serverProfile(parseServerVersion(text));
      expect(profile.exportIdSchemes('vudyDP7jUy5')).toEqual(
        dataItemScheme
          ? { outputDataItemIdScheme: 'ATTRIBUTE:vudyDP7jUy5', outputOrgUnitIdScheme: 'UID' }
          : { outputIdScheme: 'ATTRIBUTE:vudyDP7jUy5', outputOrgUnitIdScheme: 'UID' },
      );
      const aggregate = profile.analyticsTables('aggregate', undefined);
      expect(aggregate).toMatchObject({ skipEvents: true, skipEnrollment: true });
      expect('skipOrgUnitOwnership' in aggregate).toBe(orgUnitOwnership);
      expect('skipTrackedEntities' in aggregate).toBe(validationResult);
      const tracker = profile.analyticsTables('tracker', 2);
      expect(tracker).toMatchObject({
        skipAggregate: true,
        lastYears: 2,
        skipResourceTables: false,
      });
      expect('skipValidationResult' in tracker).toBe(validationResult);
      expect('skipTrackedEntities' in tracker).toBe(validationResult);
      expect(profile.importsPerDataSet).toBe(perDataSet);
      expect(profile.conflictIndexes).toBe(indexes);
      expect(profile.personalAccessTokens).toBe(tokens);
      expect(profile.readsInputIdSchemes).toBe(inputSchemes);
    });
  }

  it('filters metadata by an attribute UID as property from 2.37.9, 2.38.2 and 2.39.0 (DefaultQueryPlanner.isFilterByAttributeId, checked per tag)', () => {
    for (const [text, expected] of [
      ['2.36.13', false],
      ['2.37.8', false],
      ['2.37.9', true],
      ['2.38.1', false],
      ['2.38.2', true],
      ['2.39.0', true],
      ['2.43.1', true],
    ] as const)
      expect(serverProfile(parseServerVersion(text)).filtersByAttributeId, text).toBe(expected);
  });

  it('asks for changes since a wall-clock moment as each version reads lastUpdated', () => {
    // 2.36–2.42 write the parsed moment into the SQL as UTC text (SpringDataValueSetStore): the wall
    // clock labelled UTC. 2.43 binds a day in the server's zone (HibernateDataExportStore): no label.
    for (const [text, expected] of [
      ['2.36.13', '2026-11-30T04:00:00Z'],
      ['2.40.3', '2026-11-30T04:00:00Z'],
      ['2.42.1', '2026-11-30T04:00:00Z'],
      ['2.43.0', '2026-11-30T04:00:00'],
    ] as const)
      expect(
        serverProfile(parseServerVersion(text)).lastUpdatedParameter('2026-11-30T04:00:00'),
      ).toBe(expected);
  });

  it('asks /api/tracker what changed under an org unit as each version names the parameters', () => {
    // TrackerEventCriteria / TrackerEnrollmentCriteria / TrackerTrackedEntityCriteria (2.36.0–2.40.0):
    // `orgUnit` and `ouMode`, the list in `instances` (PagingWrapper); EventRequestParams,
    // EnrollmentRequestParams, TrackedEntityRequestParams (2.41.0+): `orgUnitMode`, `orgUnits` but for
    // events, the list named after its kind (Page).
    for (const [text, events, enrollments, key] of [
      [
        '2.36.13',
        { orgUnit: 'R', ouMode: 'DESCENDANTS' },
        { orgUnit: 'R', ouMode: 'DESCENDANTS' },
        'instances',
      ],
      [
        '2.40.3',
        { orgUnit: 'R', ouMode: 'DESCENDANTS' },
        { orgUnit: 'R', ouMode: 'DESCENDANTS' },
        'instances',
      ],
      [
        '2.41.0',
        { orgUnit: 'R', orgUnitMode: 'DESCENDANTS' },
        { orgUnits: 'R', orgUnitMode: 'DESCENDANTS' },
        'events',
      ],
      [
        '2.43.0',
        { orgUnit: 'R', orgUnitMode: 'DESCENDANTS' },
        { orgUnits: 'R', orgUnitMode: 'DESCENDANTS' },
        'events',
      ],
    ] as const) {
      const profile = serverProfile(parseServerVersion(text));
      expect(profile.trackerUnder('events', 'R')).toEqual(events);
      expect(profile.trackerUnder('enrollments', 'R')).toEqual(enrollments);
      expect(profile.trackerUnder('trackedEntities', 'R')).toEqual(enrollments);
      expect(profile.trackerListKey('events')).toBe(key);
    }
    // SoftDeleteHibernateObjectStore stamps a soft delete's lastUpdated from 2.38.
    expect(serverProfile(parseServerVersion('2.37.10')).stampsSoftDeletes).toBe(false);
    expect(serverProfile(parseServerVersion('2.38.0')).stampsSoftDeletes).toBe(true);
  });

  it('decides a closed period as each version does (research on the import validators)', () => {
    // scope: checkDataValueTargetDataSets came with 2.39.1 (2.39.0 keeps the approval data set); the
    // day-granular expiry with DHIS2-14591 (2.37.10, 2.38.4, 2.39.2, 2.40.0); 2.43's pipeline checks
    // one data set, on any calendar; DHIS2-21981 (inverted input periods) is in 2.43.0 and 2.43.1.
    const rules = (text: string) => serverProfile(parseServerVersion(text)).lockRules;
    for (const [text, scope, lastDayOpen, futureNeedsIso, inverted] of [
      ['2.36.13', 'data-element', 'before-end-plus-n', true, false],
      ['2.37.9', 'data-element', 'before-end-plus-n', true, false],
      ['2.37.10', 'data-element', 'end-plus-n', true, false],
      ['2.38.3', 'data-element', 'before-end-plus-n', true, false],
      ['2.38.4', 'data-element', 'end-plus-n', true, false],
      ['2.39.0', 'data-element', 'before-end-plus-n', true, false],
      ['2.39.1', 'assigned-data-sets', 'before-end-plus-n', true, false],
      ['2.39.2', 'assigned-data-sets', 'end-plus-n', true, false],
      ['2.40.0', 'assigned-data-sets', 'end-plus-n', true, false],
      ['2.42.5', 'assigned-data-sets', 'end-plus-n', true, false],
      ['2.43.0', 'import-data-set', 'end-plus-n', false, true],
      ['2.43.1', 'import-data-set', 'end-plus-n', false, true],
      ['2.43.2', 'import-data-set', 'end-plus-n', false, false],
    ] as const)
      expect(rules(text), text).toEqual({
        scope,
        lastDayOpen,
        futureNeedsIso,
        inputPeriodsInverted: inverted,
      });
  });

  it('leaves lastYears out when the job does not limit the run', () => {
    expect(
      serverProfile(parseServerVersion('2.40.0')).analyticsTables('tracker', undefined),
    ).toEqual({
      skipResourceTables: false,
      skipAggregate: true,
    });
  });
});
