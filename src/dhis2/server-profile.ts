import type { LockRules } from '../core/locks.ts';
import type { Query } from './client.ts';
import { backported, type ServerVersion, versionAtLeast } from './version.ts';

/**
 * Everything t2a does differently per DHIS2 version, decided once from `/api/system/info`. A new
 * version's quirk goes here (and in its table test), nowhere else.
 */
export interface ServerProfile {
  readonly version: ServerVersion;
  /**
   * The analytics export's id-scheme parameters that name data items by the mapping attribute and keep
   * org units as UIDs: `outputDataItemIdScheme` from 2.41, before it `outputIdScheme`, which maps org
   * units too unless `outputOrgUnitIdScheme=UID` (`SchemeIdResponseMapper`; api-notes §1.3).
   */
  exportIdSchemes(mappingAttribute: string): Query;
  /**
   * `POST /api/resourceTables/analytics` parameters for the tables a step needs: tracker tables before an
   * export, aggregate ones after an import. The skip options exist from 2.39 (`skipOrgUnitOwnership`)
   * and 2.41 (`skipValidationResult`, `skipOutliers`, `skipTrackedEntities`) (api-notes §3.1).
   */
  analyticsTables(tables: 'tracker' | 'aggregate', lastYears: number | undefined): Query;
  /**
   * The 2.43 import engine validates per data set and wants one data set per request (E8002 when an
   * element belongs to several); classic engines take every value in one request.
   */
  readonly importsPerDataSet: boolean;
  /**
   * The 2.43 engine refuses a whole data set's request when one org unit of it is not assigned to the
   * data set (E8022, `DefaultDataEntryService.validateKeyConsistency`); classic engines store the values.
   */
  readonly refusesUnassignedOrgUnits: boolean;
  /**
   * Import conflicts name the positions of the values they concern from 2.37 (`ImportConflict.indexes`);
   * on 2.36 a request with conflicts cannot say which values DHIS2 took.
   */
  readonly conflictIndexes: boolean;
  /**
   * Personal access tokens (`ApiToken` header) work by default from 2.38; 2.37 has them behind
   * `enable.api_token.authentication`, off by default (`ConfigurationKey`), and answers a token it does
   * not read with a redirect to the login page, as 2.36 does.
   */
  readonly personalAccessTokens: boolean;
  /**
   * `GET /api/dataValueSets` reads its `orgUnit` (and `dataSet`) parameters in the scheme named by
   * `inputOrgUnitIdScheme` (`inputIdScheme`…) from 2.37.7; `orgUnitIdScheme` is the output's only
   * (`DataValueSetQueryParams`, `DataExportInputParams`). Before, the parameters are UIDs whatever the
   * schemes; an unknown one is dropped, and none left gives 409 E2006.
   */
  readonly readsInputIdSchemes: boolean;
  /**
   * `GET /api/dataValueSets`' `lastUpdated` for a moment of the server's own wall clock, so that the
   * filter (`>=` on `datavalue.lastupdated`, stored in the server's local time) starts there whatever the
   * server's time zone. 2.36–2.42 parse it, then write it into the SQL as UTC text whose offset
   * PostgreSQL ignores (`SpringDataValueSetStore.getDataValueSql`): only the wall clock labelled UTC
   * lands on the same wall clock. 2.43 binds it as a day (`HibernateDataExportStore`, a DATE
   * parameter): the local wall clock, read in the server's zone, gives the right day.
   */
  lastUpdatedParameter(wallClock: string): string;
  /**
   * How the import decides a period is closed (core/locks.ts; research on `DataValueSetImportValidator`,
   * `DataSet.isLocked`, `DefaultDataEntryService`): the data element's own locks up to 2.39.0, every
   * assigned data set's from 2.39.1 (`checkDataValueTargetDataSets`), the import's data set on 2.43;
   * expiry days counted through end + n from DHIS2-14591 (2.37.10, 2.38.4, 2.39.2, 2.40+), through
   * end + n − 1 before; future periods only on ISO servers up to 2.42; the input period check inverted
   * in 2.43.0–2.43.1 (DHIS2-21981).
   */
  readonly lockRules: LockRules;
  /**
   * Analytics answers an indicator's failing SQL (E7145, E7144, E7132) to a request of one statement
   * from 2.38.5, 2.39.4, 2.40.2 and 2.41.0 (`AnalyticsUtils.withExceptionHandling`); before, a grammar
   * error is logged and the indicator has no rows (`AbstractJdbcEventAnalyticsManager`, 2.36.13
   * l.362–369): asking it alone cannot tell a failure from no data.
   */
  readonly reportsIndicatorErrors: boolean;
  /**
   * `GET /api/tracker/{events,enrollments,trackedEntities}` under one org unit and its descendants, as a
   * quiet night asks what changed (`updatedAfter`, `includeDeleted`, `page`, `pageSize` in every
   * version). Up to 2.40 the list is `instances` (`PagingWrapper`) and the unit `orgUnit` with `ouMode`
   * (`TrackerEventCriteria`, `TrackerEnrollmentCriteria`, `TrackerTrackedEntityCriteria` @2.36.0–2.40.0);
   * from 2.41 the list is named after its kind (`Page`), events keep `orgUnit`, enrollments and tracked
   * entities take `orgUnits`, and the mode is `orgUnitMode` (`EventRequestParams`,
   * `EnrollmentRequestParams`, `TrackedEntityRequestParams` @2.41.0; `ouMode` gone in 2.42.0).
   */
  trackerUnder(kind: 'events' | 'enrollments' | 'trackedEntities', orgUnit: string): Query;
  trackerListKey(kind: 'events' | 'enrollments' | 'trackedEntities'): string;
  /**
   * A soft-deleted tracker object's `lastUpdated` moves with its deletion from 2.38
   * (`SoftDeleteHibernateObjectStore`); before, a deleted event of an event programme keeps its old
   * stamp, and `updatedAfter` cannot see its deletion (a registration's enrollment is still updated).
   */
  readonly stampsSoftDeletes: boolean;
  /**
   * Whether a metadata list filters by an attribute's value with the attribute's UID as the property
   * (`filter=<attribute>:in:[…]`, `DefaultQueryPlanner.isFilterByAttributeId`): from 2.37.9, 2.38.2, 2.39.0.
   */
  readonly filtersByAttributeId: boolean;
  /**
   * Program indicator disaggregation (`aggregateExportDataElement`, `categoryCombo`, `attributeCombo`,
   * `categoryMappingIds`; programs' `categoryMappings`): from 2.42.0 (migration V2_42_37).
   */
  readonly piDisaggregation: boolean;
  /**
   * Only 2.42.0's program import hook looks the mapped categories and options up among the stored
   * objects (`ProgramObjectBundleHook.validateCategoryMappings` → `ProgramCategoryMappingValidator`,
   * E4072/E4073); objects of the same import are not stored yet, so they must be imported first.
   * 2.42.1 removed the lookup (DHIS2-19663, commit 7bf364efaf7).
   */
  readonly categoryMappingsNeedStoredCategories: boolean;
}

export function serverProfile(version: ServerVersion): ServerProfile {
  const from = (minor: number, patch = 0) => versionAtLeast(version, minor, patch);
  return {
    version,
    exportIdSchemes: (attribute) => ({
      ...(from(41)
        ? { outputDataItemIdScheme: `ATTRIBUTE:${attribute}` }
        : { outputIdScheme: `ATTRIBUTE:${attribute}` }),
      outputOrgUnitIdScheme: 'UID',
    }),
    analyticsTables: (tables, lastYears) => ({
      skipResourceTables: false,
      ...(lastYears !== undefined && { lastYears }),
      ...(tables === 'tracker'
        ? {
            skipAggregate: true,
            ...(from(41) && {
              skipValidationResult: true,
              skipOutliers: true,
              skipTrackedEntities: true,
            }),
          }
        : {
            skipEvents: true,
            skipEnrollment: true,
            ...(from(39) && { skipOrgUnitOwnership: true }),
            // Tracked entity tables (2.41+) hold tracker data too: not what an import changed.
            ...(from(41) && { skipTrackedEntities: true }),
          }),
    }),
    importsPerDataSet: from(43),
    refusesUnassignedOrgUnits: from(43),
    conflictIndexes: from(37),
    personalAccessTokens: from(38),
    readsInputIdSchemes: from(37, 7),
    filtersByAttributeId: backported(version, '2.37.9', '2.38.2', '2.39.0'),
    piDisaggregation: from(42),
    categoryMappingsNeedStoredCategories: from(42) && !from(42, 1),
    lastUpdatedParameter: (wallClock) => (from(43) ? wallClock : `${wallClock}Z`),
    lockRules: {
      scope: from(43) ? 'import-data-set' : from(39, 1) ? 'assigned-data-sets' : 'data-element',
      lastDayOpen: backported(version, '2.37.10', '2.38.4', '2.39.2', '2.40.0')
        ? 'end-plus-n'
        : 'before-end-plus-n',
      futureNeedsIso: !from(43),
      inputPeriodsInverted: from(43) && !from(43, 2),
    },
    reportsIndicatorErrors: backported(version, '2.38.5', '2.39.4', '2.40.2', '2.41.0'),
    trackerUnder: (kind, orgUnit) =>
      !from(41)
        ? { orgUnit, ouMode: 'DESCENDANTS' }
        : kind === 'events'
          ? { orgUnit, orgUnitMode: 'DESCENDANTS' }
          : { orgUnits: orgUnit, orgUnitMode: 'DESCENDANTS' },
    trackerListKey: (kind) => (from(41) ? kind : 'instances'),
    stampsSoftDeletes: from(38),
  };
}
