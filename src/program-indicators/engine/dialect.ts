/**
 * Everything about the program indicator language that differs between DHIS2 versions, read once from
 * the version (the one place the engine compares versions). Each field names the dhis2-core class and
 * the first tags (checked in the mirror) it follows. A fix released on several branches at once is a
 * list of first patches per minor, as `since` reads it: later minors have it from their start.
 */
export interface PiVersion {
  readonly minor: number;
  readonly patch: number;
}

export interface PiDialect {
  readonly version: PiVersion;
  /**
   * The `dhis-antlr-expression-parser` release the version ships (`dhis-2/pom.xml`): which tokens its
   * grammar knows at all (an unknown one is a syntax error, a known one missing from the PI item map is
   * "Item … not supported for this type of expression").
   */
  readonly grammar: number;
  /**
   * `ProgramExpressionItem.replaceNullSqlValues`: from 2.36.12, 2.37.8, 2.38.1 a yes/no or number item
   * is `coalesce(x::numeric!=0,false)` where a condition is expected and text is `coalesce(x::text,'')`;
   * before, always `coalesce(x::numeric,0)` and `coalesce(x,'')` (a date column then fails on '').
   */
  readonly typedNullReplacement: boolean;
  /** `getProgramIndicatorDataElementInEventSelectSql`: EVENT `#{stage.de}` checks the stage from 2.38. */
  readonly eventStageCheck: boolean;
  /** `SqlLiteral.getNumericLiteral`: `1::numeric` from 2.39.10, 2.40.8, 2.41.4, 2.42.0 (DHIS2-13925). */
  readonly numericLiteralCast: boolean;
  /** `getAnalyticsSqlAllowingNulls` for the filter from 2.40.12, 2.41.9, 2.42.5, 2.43.1 (DHIS2-20929). */
  readonly filterKeepsNulls: boolean;
  /** `vEventCount`: `psi` up to 2.38, `case when psistatus in ('ACTIVE', 'COMPLETED') then 1 end` from 2.39. */
  readonly eventCountActiveOnly: boolean;
  /** `vEventDate`: an ENROLLMENT indicator's latest event is ACTIVE or COMPLETED from 2.39. */
  readonly eventDateStatusFilter: boolean;
  /** `vIncidentDate`: `incidentdate` up to 2.40, `occurreddate` from 2.41 (the event date in EVENT tables). */
  readonly incidentDateColumn: 'incidentdate' | 'occurreddate';
  /** Whether the ENROLLMENT table has `occurreddate` (2.42+; 2.41 still calls it `incidentdate`). */
  readonly enrollmentTableHasOccurredDate: boolean;
  /**
   * `vEnrollmentStatus` for EVENT indicators: `pistatus`, which the 2.42 event tables no longer have,
   * until 2.43.1 reads `enrollmentstatus` (DHIS2-21591).
   */
  readonly eventEnrollmentStatus: 'pistatus' | 'missing' | 'enrollmentstatus';
  /**
   * `D2RelationshipCount`: a correlated `count(*)` over the relationship tables up to 2.41 (0 without
   * relationships), the `analytics_rs_relationship` resource table's `sum` from 2.42 (NULL without).
   */
  readonly relationshipCountFromResourceTable: boolean;
  /** `PS_EVENTDATE:` cohort boundaries look for an event of that stage only from 2.43. */
  readonly cohortStageChecked: boolean;
  /**
   * `PostgreSqlBuilder.concat` for the category columns of disaggregation: `concat(…)` in 2.42.0,
   * `(… || …)` from 2.42.1 (DHIS2-19663, commit 7bf364efaf7).
   */
  readonly categoryColumnConcat: boolean;
  /** The PI item map (`DefaultProgramIndicatorService.PROGRAM_INDICATOR_ITEMS`, `ExpressionMapBuilder`). */
  readonly items: ReadonlySet<string>;
  /** Program variables of `ProgramVariableItem.PROGRAM_VARIABLES`. */
  readonly variables: ReadonlySet<string>;
}

/** True from the first patch named for the version's minor; minors after the last named always. */
export function since(version: PiVersion, ...firsts: string[]): boolean {
  const parsed = firsts.map((text) => text.split('.').map(Number) as [number, number, number]);
  const own = parsed.find(([, minor]) => minor === version.minor);
  if (own) return version.patch >= own[2];
  return version.minor > Math.max(...parsed.map(([, minor]) => minor));
}

const atLeast = (v: PiVersion, minor: number, patch = 0) =>
  v.minor > minor || (v.minor === minor && v.patch >= patch);

/** `dhis-antlr-expression-parser.version` per release (1.0.N → N), read in every tag's `dhis-2/pom.xml`. */
function grammarOf(v: PiVersion): number {
  const table: Record<number, [number, number][]> = {
    36: [
      [9, 26],
      [7, 19],
      [0, 15],
    ],
    37: [
      [4, 26],
      [0, 19],
    ],
    38: [
      [2, 30],
      [0, 26],
    ],
    39: [
      [2, 33],
      [1, 30],
      [0, 29],
    ],
    40: [[0, 33]],
    41: [
      [6, 39],
      [0, 36],
    ],
    42: [
      [3, 39],
      [2, 37],
      [0, 36],
    ],
  };
  const rows = table[v.minor];
  if (!rows) return v.minor > 42 ? 39 : 15;
  return rows.find(([patch]) => v.patch >= patch)?.[1] ?? 15;
}

/** `ParserUtils.COMMON_EXPRESSION_ITEMS` plus the program indicator items, as item keys. */
const PI_ITEMS_2_36 = [
  'firstNonNull',
  'greatest',
  'if',
  'isNotNull',
  'isNull',
  'least',
  'log',
  'log10',
  'C{',
  'd2:condition',
  'd2:count',
  'd2:countIfCondition',
  'd2:countIfValue',
  'd2:daysBetween',
  'd2:hasValue',
  'd2:maxValue',
  'd2:minutesBetween',
  'd2:minValue',
  'd2:monthsBetween',
  'd2:oizp',
  'd2:relationshipCount',
  'd2:weeksBetween',
  'd2:yearsBetween',
  'd2:zing',
  'd2:zpvc',
  'avg',
  'count',
  'max',
  'min',
  'stddev',
  'sum',
  'variance',
  '#{',
  'A{',
  'PS_EVENTDATE:',
  'V{',
];

const VARIABLES_2_36 = [
  'analytics_period_end',
  'analytics_period_start',
  'creation_date',
  'current_date',
  'completed_date',
  'due_date',
  'enrollment_count',
  'enrollment_date',
  'enrollment_status',
  'event_status',
  'event_count',
  'execution_date',
  'event_date',
  'incident_date',
  'org_unit_count',
  'program_stage_id',
  'program_stage_name',
  'sync_date',
  'tei_count',
  'value_count',
  'zero_pos_value_count',
];

export function piDialect(version: PiVersion): PiDialect {
  const v = version;
  const items = new Set(PI_ITEMS_2_36);
  // RepeatableProgramStageOffset in the PI map from 2.38.0; removeZeros and null (ParserUtils) from
  // 2.39.0; FunctionIs from 2.40.0; FunctionContains/FunctionContainsItems from 2.41.0.
  if (atLeast(v, 38)) items.add('.stageOffset');
  if (atLeast(v, 39)) items.add('removeZeros').add('null');
  if (atLeast(v, 40)) items.add('is');
  if (atLeast(v, 41)) items.add('contains').add('containsItems');
  const variables = new Set(VARIABLES_2_36);
  // vScheduledDate and vScheduledEventCount from 2.39.0.
  if (atLeast(v, 39)) variables.add('scheduled_date').add('scheduled_event_count');
  return {
    version: v,
    grammar: grammarOf(v),
    typedNullReplacement: since(v, '2.36.12', '2.37.8', '2.38.1'),
    eventStageCheck: atLeast(v, 38),
    numericLiteralCast: since(v, '2.39.10', '2.40.8', '2.41.4', '2.42.0'),
    filterKeepsNulls: since(v, '2.40.12', '2.41.9', '2.42.5', '2.43.1'),
    eventCountActiveOnly: atLeast(v, 39),
    eventDateStatusFilter: atLeast(v, 39),
    incidentDateColumn: atLeast(v, 41) ? 'occurreddate' : 'incidentdate',
    enrollmentTableHasOccurredDate: atLeast(v, 42),
    eventEnrollmentStatus: atLeast(v, 43, 1)
      ? 'enrollmentstatus'
      : atLeast(v, 42)
        ? 'missing'
        : 'pistatus',
    relationshipCountFromResourceTable: atLeast(v, 42),
    cohortStageChecked: atLeast(v, 43),
    categoryColumnConcat: v.minor === 42 && v.patch === 0,
    items,
    variables,
  };
}

/** Grammar features by parser release (the commits of `Expression.g4`). */
export const GRAMMAR = {
  countDistinct: 20,
  stageOffset: 21,
  nullAndRemoveZeros: 27,
  scheduledVariables: 28,
  is: 31,
  comments: 34,
  contains: 36,
} as const;
