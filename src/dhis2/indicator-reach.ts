import type { IndicatorReach } from '../core/narrow-export.ts';
import type { Dhis2Client } from './client.ts';

/** What of a program indicator decides where a tracker change can reach it, and its definition. */
export interface IndicatorDefinition {
  readonly reach: IndicatorReach;
  readonly registration: boolean;
  readonly readsAttributes: boolean;
  /** Everything of the definition that can change its values, as text: its fingerprint's input. */
  readonly definition: string;
}

interface Boundary {
  boundaryTarget?: string;
  analyticsPeriodBoundaryType?: string;
  offsetPeriods?: number;
  offsetPeriodType?: string;
}

interface Indicator {
  id: string;
  lastUpdated?: string;
  analyticsType?: string;
  orgUnitField?: string;
  expression?: string;
  filter?: string;
  aggregationType?: string;
  decimals?: number;
  analyticsPeriodBoundaries?: Boundary[];
  program?: { id?: string; programType?: string };
}

const FIELDS =
  'id,lastUpdated,analyticsType,orgUnitField,expression,filter,aggregationType,decimals,analyticsPeriodBoundaries[boundaryTarget,analyticsPeriodBoundaryType,offsetPeriods,offsetPeriodType],program[id,programType]';

/**
 * The job's indicators as the narrowing reads them (`/api/programIndicators`). The boundaries DHIS2
 * gives a new indicator (`ProgramIndicator.setDefaultBoundaries` @2.36.0–2.43.1: EVENT_DATE or
 * ENROLLMENT_DATE after the start and before the end of the reporting period, no offset) place a record
 * by its own date; any other boundary can reach other periods. `orgUnitField` (2.39+) other than the
 * record's own counts it where a change of ownership or a data value puts it.
 */
export async function fetchIndicatorDefinitions(
  client: Dhis2Client,
  ids: readonly string[],
): Promise<IndicatorDefinition[]> {
  const found: Indicator[] = [];
  for (let start = 0; start < ids.length; start += 50) {
    const body = await client.get<{ programIndicators?: Indicator[] }>('programIndicators', {
      filter: `id:in:[${ids.slice(start, start + 50).join(',')}]`,
      fields: FIELDS,
      paging: false,
    });
    found.push(...(body.programIndicators ?? []));
  }
  return found.sort((a, b) => a.id.localeCompare(b.id)).map(definitionOf);
}

function definitionOf(indicator: Indicator): IndicatorDefinition {
  const analyticsType = indicator.analyticsType === 'ENROLLMENT' ? 'ENROLLMENT' : 'EVENT';
  const texts = `${indicator.expression ?? ''} ${indicator.filter ?? ''}`;
  return {
    reach: {
      id: indicator.id,
      program: indicator.program?.id ?? '',
      analyticsType,
      otherOrgUnit: !!indicator.orgUnitField && indicator.orgUnitField !== 'DEFAULT',
      otherBoundaries: !ownDateBoundaries(analyticsType, indicator.analyticsPeriodBoundaries ?? []),
      dependsOnDay: /V\{\s*current_date\s*\}/i.test(texts),
    },
    registration: indicator.program?.programType !== 'WITHOUT_REGISTRATION',
    readsAttributes: /A\{/.test(texts),
    definition: JSON.stringify(indicator),
  };
}

/** Exactly the pair that places a record by its own date (`ProgramIndicator.hasNonDefaultBoundaries` @2.41.0). */
function ownDateBoundaries(type: 'EVENT' | 'ENROLLMENT', boundaries: readonly Boundary[]) {
  // No boundary at all: every record counts in every period (`hasNonDefaultBoundaries`, size != 2).
  if (boundaries.length === 0) return false;
  const target = type === 'EVENT' ? 'EVENT_DATE' : 'ENROLLMENT_DATE';
  const kinds = boundaries.map((boundary) => boundary.analyticsPeriodBoundaryType).sort();
  return (
    boundaries.every((boundary) => boundary.boundaryTarget === target && !boundary.offsetPeriods) &&
    kinds.join() === 'AFTER_START_OF_REPORTING_PERIOD,BEFORE_END_OF_REPORTING_PERIOD'
  );
}
