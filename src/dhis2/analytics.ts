import type { DataValue } from '../core/data-value.ts';
import { isT2aError, T2aError } from '../core/errors.ts';
import { splitPairs } from '../core/split-request.ts';
import type { Dhis2Client, Query } from './client.ts';
import type { ServerProfile } from './server-profile.ts';

export interface ExportRequest {
  readonly programIndicators: readonly string[];
  readonly periods: readonly string[];
  readonly orgUnits: readonly string[];
  /** The attribute holding each indicator's data element code. */
  readonly mappingAttribute: string;
}

/**
 * The query for `/api/analytics/dataValueSet.json`: the three dimensions, and the id schemes of the
 * server's version (ServerProfile.exportIdSchemes).
 */
export function exportQuery(profile: ServerProfile, request: ExportRequest): Query {
  return {
    dimension: [
      `dx:${request.programIndicators.join(';')}`,
      `pe:${request.periods.join(';')}`,
      `ou:${request.orgUnits.join(';')}`,
    ],
    ...profile.exportIdSchemes(request.mappingAttribute),
  };
}

interface ExportedRow {
  dataElement?: unknown;
  period?: unknown;
  orgUnit?: unknown;
  categoryOptionCombo?: unknown;
  attributeOptionCombo?: unknown;
  value?: unknown;
}

const optional = (value: unknown) =>
  typeof value === 'string' && value !== '' ? value : undefined;

export interface ExportResult {
  readonly values: DataValue[];
  /** How many requests it took: more than one when the URL would have been too long for the server. */
  readonly requests: number;
}

/**
 * Exports one chunk of program indicator values as data values: in one request, or in several when the
 * indicators and org units would make the URL longer than the connection allows (each pair of indicator
 * and org unit is asked once, so the values add up to the same set).
 */
export async function exportDataValueSet(
  client: Dhis2Client,
  profile: ServerProfile,
  request: ExportRequest,
): Promise<ExportResult> {
  const path = 'analytics/dataValueSet.json';
  const parts = splitPairs(
    { first: request.programIndicators, second: request.orgUnits },
    (programIndicators, orgUnits) =>
      client.fits(path, exportQuery(profile, { ...request, programIndicators, orgUnits })),
  );
  if (!parts) {
    throw new T2aError(
      'config',
      `Even one indicator and one org unit with the chunk's ${request.periods.length} period(s) make a URL longer than the ${client.maxUrlLength} bytes connection "${client.name}" allows.`,
      {
        fix: `Raise maxUrlLength of connection "${client.name}" (if its proxy allows), or give the job fewer periods per chunk.`,
      },
    );
  }
  const values: DataValue[] = [];
  for (const part of parts) {
    const query = exportQuery(profile, {
      ...request,
      programIndicators: part.first,
      orgUnits: part.second,
    });
    values.push(...readDataValueSet(client, await client.get(path, query)));
  }
  return { values, requests: parts.length };
}

function readDataValueSet(client: Dhis2Client, body: unknown): DataValue[] {
  const set = body as { dataValues?: ExportedRow[] } | null;
  if (
    typeof set !== 'object' ||
    set === null ||
    (set.dataValues !== undefined && !Array.isArray(set.dataValues))
  ) {
    throw new T2aError(
      'dhis2',
      `${client.name} answered the analytics export with something that is not a data value set.`,
      {
        fix: 'Check the source server log; the chunk was not exported.',
        details: body,
      },
    );
  }
  return (set.dataValues ?? []).map((row) => ({
    dataElement: String(row.dataElement),
    period: String(row.period),
    orgUnit: String(row.orgUnit),
    categoryOptionCombo: optional(row.categoryOptionCombo),
    attributeOptionCombo: optional(row.attributeOptionCombo),
    value: String(row.value),
  }));
}

/**
 * Whether an analytics error can be one program indicator's doing, so that the same request without it
 * may succeed. The planner runs one SQL statement per indicator (`DefaultEventQueryPlanner
 * .groupByQueryItems`, 2.36–2.43) and one failure fails the request, naming no indicator:
 * - 409 E7145 (a grammar error: a missing column, `avg(text)`) and E7144 (the table of the indicator's
 *   programme is missing), from 2.38.5/2.39.4/2.40.2/2.41.0 (`AnalyticsUtils.withExceptionHandling`,
 *   `WebMessageUtils.createWebMessage`); E7132 (a data exception: a division by zero, a yes/no data
 *   element compared with text) from the same versions; E7133 (invalid types);
 * - 409 without an error code: the indicator's expression or filter does not parse
 *   (`IllegalStateException` → `CrudControllerAdvice`, every version);
 * - 500 with the database's own message (`ERROR: …`): a data exception before those versions, not
 *   caught by analytics (`CrudControllerAdvice.defaultExceptionHandler` answers the cause's message).
 * Not so a refused login, an org unit the user may not see (E7120), a timeout (E7131), nor a 500 that
 * is not DHIS2 naming a database error (a proxy's page, a server in trouble: retried, then the chunk fails).
 */
export function oneIndicatorMayCause(error: unknown): boolean {
  if (!isT2aError(error) || error.kind !== 'dhis2') return false;
  const body = error.details as { errorCode?: unknown; message?: unknown } | undefined;
  if (error.httpStatus === 500)
    return typeof body?.message === 'string' && body.message.startsWith('ERROR: ');
  if (error.httpStatus !== 409) return false;
  const code = typeof body === 'object' && body !== null ? body.errorCode : 'not DHIS2';
  return code === undefined || INDICATOR_ERRORS.has(String(code));
}

const INDICATOR_ERRORS = new Set(['E7132', 'E7133', 'E7144', 'E7145']);

/** What DHIS2 said of a failing indicator: its message, with the database's text where 2.42+ gives it. */
export function sourceMessage(error: unknown): string {
  const body = (isT2aError(error) ? error.details : undefined) as
    | { message?: unknown; devMessage?: unknown; errorCode?: unknown }
    | undefined;
  if (!body || typeof body !== 'object' || body.message === undefined)
    return (error as Error).message;
  const code = body.errorCode ? `${String(body.errorCode)} ` : '';
  const dev =
    typeof body.devMessage === 'string' && !body.devMessage.startsWith('SqlState')
      ? ` (${body.devMessage})`
      : '';
  return `${code}${String(body.message)}${dev}`;
}

/** What a source said when asked about one indicator alone. */
export type IndicatorAnswer =
  | { readonly evaluates: true; readonly values: number }
  | { readonly evaluates: false; readonly refusal: string };

/**
 * Asks the source to evaluate one indicator for some periods and org units of one level: one period
 * type and one level make DHIS2 plan a single SQL statement per indicator (`DefaultEventQueryPlanner
 * .groupByOrgUnitLevel/groupByPeriodType`), so a grammar error is answered (409 E7145) rather than dropped,
 * as DHIS2 drops it silently from a request of several statements (2.38.5+, `isMultipleQueries`).
 * An indicator with per-period boundaries is still planned per period (`groupByPeriod`): ask it one period.
 */
export async function probeIndicator(
  client: Dhis2Client,
  profile: ServerProfile,
  request: {
    readonly programIndicator: string;
    readonly periods: readonly string[];
    readonly orgUnits: readonly string[];
    readonly mappingAttribute: string;
  },
): Promise<IndicatorAnswer> {
  try {
    const body = await client.get(
      'analytics/dataValueSet.json',
      exportQuery(profile, {
        programIndicators: [request.programIndicator],
        periods: request.periods,
        orgUnits: request.orgUnits,
        mappingAttribute: request.mappingAttribute,
      }),
    );
    return { evaluates: true, values: readDataValueSet(client, body).length };
  } catch (error) {
    if (oneIndicatorMayCause(error)) return { evaluates: false, refusal: sourceMessage(error) };
    throw error;
  }
}
