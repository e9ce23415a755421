import { T2aError } from '../core/errors.ts';
import type { PeriodBoundary } from '../core/explain-words.ts';
import type { Dhis2Client } from './client.ts';
import { describeExpression } from './expression-description.ts';

/**
 * The records behind a program indicator's value, as DHIS2 lists them: the event and enrollment query
 * analytics (`GET /api/analytics/events/query/{program}`, `…/enrollments/query/{program}`; dhis2-core
 * `EventQueryController`/`EventAnalyticsController` and `EnrollmentAnalyticsController`, 2.36–2.43) with
 * the indicator as a dimension. `DefaultQueryItemLocator.getProgramIndicator` takes an indicator of the
 * programme as a query item; `ProgramIndicatorSubqueryBuilder` makes its column the indicator's
 * expression over that one row where the filter holds (null, or 0 for a count, where it does not). The
 * answer is a Grid: `headers[].name` (`psi`, `ps`, `eventdate` — 2.43 also `occurreddate` —, `pi`,
 * `enrollmentdate`, `ou`, `ouname`; `EventAnalyticsService`/`ColumnHeader`), `rows` of strings,
 * `metaData.pager`. Rows are listed by the query's own date (event date, enrollment date), which is the
 * indicator's only where it keeps DHIS2's default boundaries.
 */
export interface QueriedRecord {
  readonly uid: string;
  readonly enrollment: string | undefined;
  readonly date: string | undefined;
  readonly orgUnit: string | undefined;
  readonly orgUnitName: string | undefined;
  readonly programStage: string | undefined;
  /** The indicator's value for this row; undefined where its filter excludes the row. */
  readonly value: number | undefined;
}

export interface RecordQuery {
  readonly program: string;
  readonly programIndicator: string;
  readonly analyticsType: 'EVENT' | 'ENROLLMENT';
  readonly period: string;
  readonly orgUnit: string;
}

interface Grid {
  readonly headers?: readonly { readonly name?: string }[];
  readonly rows?: readonly (readonly (string | number | null)[])[];
  readonly metaData?: { readonly pager?: { readonly page?: number; readonly pageCount?: number } };
}

const PAGE_SIZE = 1000;

const column = (grid: Grid, ...names: string[]) => {
  const headers = (grid.headers ?? []).map((header) => header.name);
  for (const name of names) {
    const at = headers.indexOf(name);
    if (at >= 0) return at;
  }
  return -1;
};

const cell = (row: readonly (string | number | null)[], at: number) => {
  if (at < 0) return undefined;
  const value = row[at];
  return value === null || value === undefined || value === '' ? undefined : String(value);
};

function readRows(grid: Grid, query: RecordQuery): QueriedRecord[] {
  const event = query.analyticsType === 'EVENT';
  const at = {
    uid: event ? column(grid, 'psi', 'event') : column(grid, 'pi', 'enrollment'),
    enrollment: column(grid, 'pi', 'enrollment'),
    date: event ? column(grid, 'eventdate', 'occurreddate') : column(grid, 'enrollmentdate'),
    orgUnit: column(grid, 'ou'),
    orgUnitName: column(grid, 'ouname'),
    stage: column(grid, 'ps', 'programstage'),
    value: column(grid, query.programIndicator),
  };
  if (at.uid < 0 || at.value < 0) {
    throw new T2aError(
      'dhis2',
      `The ${event ? 'event' : 'enrollment'} query did not answer with the ${event ? 'event' : 'enrollment'} and the indicator ${query.programIndicator} as columns.`,
      {
        fix: 'Check that the indicator belongs to the programme and that the source is DHIS2 2.36 or later.',
        details: grid.headers,
      },
    );
  }
  return (grid.rows ?? []).flatMap((row) => {
    const uid = cell(row, at.uid);
    if (!uid) return [];
    const raw = cell(row, at.value);
    const value = raw === undefined ? undefined : Number(raw);
    return [
      {
        uid,
        enrollment: event ? cell(row, at.enrollment) : uid,
        date: cell(row, at.date)?.slice(0, 10),
        orgUnit: cell(row, at.orgUnit),
        orgUnitName: cell(row, at.orgUnitName),
        programStage: event ? cell(row, at.stage) : undefined,
        value: value === undefined || Number.isNaN(value) ? undefined : value,
      },
    ];
  });
}

/** Every row of the programme in the period and org unit (its descendants), with the indicator's value. */
export async function queryIndicatorRecords(
  client: Dhis2Client,
  query: RecordQuery,
): Promise<QueriedRecord[]> {
  const path = `analytics/${query.analyticsType === 'EVENT' ? 'events' : 'enrollments'}/query/${query.program}.json`;
  const records: QueriedRecord[] = [];
  for (let page = 1; ; page++) {
    const grid = await client.get<Grid>(path, {
      dimension: [`pe:${query.period}`, `ou:${query.orgUnit}`, query.programIndicator],
      page,
      pageSize: PAGE_SIZE,
    });
    records.push(...readRows(grid, query));
    const pager = grid.metaData?.pager;
    if (!pager?.pageCount || page >= pager.pageCount) return records;
  }
}

/** What the explanation needs of an indicator beyond the job's mapping. */
export interface IndicatorDetail {
  readonly id: string;
  readonly name: string;
  readonly analyticsType: 'EVENT' | 'ENROLLMENT';
  readonly aggregationType: string;
  readonly expression: string;
  readonly filter: string | undefined;
  readonly orgUnitField: string | undefined;
  readonly boundaries: readonly PeriodBoundary[];
  readonly program: {
    readonly id: string;
    readonly name: string;
    readonly withRegistration: boolean;
  };
  /** Names of the programme's stages, data elements and attributes, for the words. */
  readonly names: ReadonlyMap<string, string>;
}

interface IndicatorResponse {
  id: string;
  name: string;
  analyticsType?: string;
  aggregationType?: string;
  expression?: string;
  filter?: string;
  orgUnitField?: string;
  analyticsPeriodBoundaries?: PeriodBoundary[];
  program?: {
    id: string;
    name?: string;
    programType?: string;
    programStages?: { id: string; name?: string }[];
  };
}

/** `GET /api/programIndicators/{id}` with its boundaries and programme (2.36–2.43 name them alike). */
export async function fetchIndicatorDetail(
  client: Dhis2Client,
  id: string,
): Promise<IndicatorDetail> {
  const pi = await client.get<IndicatorResponse>(`programIndicators/${id}`, {
    fields:
      'id,name,analyticsType,aggregationType,expression,filter,orgUnitField,analyticsPeriodBoundaries[boundaryTarget,analyticsPeriodBoundaryType,offsetPeriods,offsetPeriodType],program[id,name,programType,programStages[id,name]]',
  });
  const names = new Map<string, string>();
  for (const stage of pi.program?.programStages ?? []) names.set(stage.id, stage.name ?? stage.id);
  return {
    id: pi.id,
    name: pi.name,
    analyticsType: pi.analyticsType === 'ENROLLMENT' ? 'ENROLLMENT' : 'EVENT',
    aggregationType: pi.aggregationType ?? 'SUM',
    expression: pi.expression ?? '',
    filter: pi.filter?.trim() ? pi.filter : undefined,
    orgUnitField: pi.orgUnitField?.trim() ? pi.orgUnitField : undefined,
    boundaries: pi.analyticsPeriodBoundaries ?? [],
    program: {
      id: pi.program?.id ?? '',
      name: pi.program?.name ?? pi.program?.id ?? '',
      withRegistration: pi.program?.programType !== 'WITHOUT_REGISTRATION',
    },
    names,
  };
}

/**
 * DHIS2's own words for an expression or filter (`describeExpression`: the description endpoints of
 * `ProgramIndicatorController`), or undefined where the source cannot give them (an error, an old answer).
 */
export async function describeIndicatorText(
  client: Dhis2Client,
  kind: 'expression' | 'filter',
  text: string,
): Promise<string | undefined> {
  try {
    const check = await describeExpression(client, kind, text);
    return check.valid && check.description.trim() ? check.description.trim() : undefined;
  } catch {
    return undefined;
  }
}
