import { describe, expect, it } from 'vitest';
import {
  AT,
  C,
  CHILD,
  compile,
  DE,
  enrollment,
  type IndicatorSpec,
  indicatorValue,
  OTHER,
  VISIT,
} from './world.ts';

/**
 * The program indicator language item by item, each value worked out by hand from the SQL dhis2-core
 * generates for it (the class named) and PostgreSQL's semantics, on CHILD's one Visit of 2025-01-10
 * (int 4, number 2.5, yes, text 'abc,def,ghi,jkl', date 2024-12-25; no value for DeEmpty0001), an
 * EVENT indicator summed over January (one event: the sum is the row's value), 2.41.4 (literals cast
 * `::numeric`) unless said.
 */
const v = (de: string, stage = VISIT) => `#{${stage}.${de}}`;
/** `+ 0 * int`: an item with a value, so the event passes the any-value clause (see its own test). */
const withValue = (expression: string) => `${expression} + 0 * ${v(DE.int)}`;

type Row = [item: string, expression: string, expected: number, source: string, version?: string];

// biome-ignore format: a table, one row a line
const ROWS: Row[] = [
  // Literals and operators (SqlLiteral, Operator*: emitted without parentheses; PostgreSQL's precedence).
  ['number literal (integers before the cast)', '1/2', 0, 'SqlLiteral 2.41.0: `1 / 2`, integer division', '2.41.0'],
  ['number literal (cast)', '1/2', 0.5, 'SqlLiteral 2.41.4: `1::numeric / 2::numeric`'],
  ['unary minus and ^', '-2^2', 4, 'OperatorMathMinus `- 2::numeric^2::numeric`: PG unary minus binds tighter'],
  ['^ left-associative', '2^3^2', 64, 'OperatorMathPower `2^3^2`: PG reads (2^3)^2'],
  ['%', '7 % 4', 3, 'OperatorMathModulus `7::numeric % 4::numeric`'],
  ['+ of two items', `${v(DE.int)} + ${v(DE.num)}`, 6.5, 'ProgramItemStageElement coalesce(…::numeric,0): 4 + 2.5'],
  ['missing number is 0', withValue(`${v(DE.empty)} + 1`), 1, 'replaceNullSqlValues: coalesce(NULL::numeric,0) + 1'],
  ['C{} constant', `C{${C.seven}} * 2`, 14, 'ItemConstant `7.0 * 2::numeric`'],
  ['C{} negative constant', `2 - C{${C.minusTwo}}`, 4, 'ItemConstant `2::numeric - -2.0`'],
  ['yes/no as number', `${v(DE.bool)} + 1`, 2, 'getSelectClause: true is 1'],
  ['! and == (PG: not binds looser)', `if(!${v(DE.int)} == 4, 1, 2)`, 2, 'OperatorLogicalNot `not a = 4` is not (a = 4)'],
  ['&& / ||', `if(${v(DE.int)} > 3 && ${v(DE.num)} < 2 || ${v(DE.bool)} == 1, 1, 2)`, 1, 'OperatorLogicalAnd/Or'],
  ['true literal', 'if(true, 1, 2)', 1, 'SqlLiteral.getBooleanLiteral'],
  // Common functions (ParserUtils.COMMON_EXPRESSION_ITEMS).
  ['if', `if(${v(DE.bool)}, 10, 20)`, 10, 'FunctionIf: condition coalesce(…::numeric != 0,false)'],
  ['greatest', `greatest(${v(DE.int)}, 9, 3)`, 9, 'FunctionGreatest'],
  ['least', `least(${v(DE.int)}, 9, 3)`, 3, 'FunctionLeast'],
  ['firstNonNull (arguments null-replaced)', withValue(`firstNonNull(${v(DE.empty)}, 5)`), 0, 'FunctionFirstNonNull: coalesce(coalesce(NULL::numeric,0),5) = 0'],
  ['isNull', withValue(`if(isNull(${v(DE.empty)}), 1, 2)`), 1, 'FunctionIsNull: `X is null`, X allowing nulls'],
  ['isNotNull', `if(isNotNull(${v(DE.int)}), 1, 2)`, 1, 'FunctionIsNotNull'],
  ['log(x, base)', 'log(100, 10)', 2, 'FunctionLog: `log(10::numeric,100::numeric)`'],
  ['log(x)', 'log(1)', 0, 'FunctionLog: `ln(1::numeric)`'],
  ['log10', 'log10(1000)', 3, 'FunctionLog10: `log(1000::numeric)`'],
  ['null literal', 'firstNonNull(null, 3)', 3, 'NullLiteral 2.39+: coalesce(null,3)'],
  ['is (2.40)', `if(is(${v(DE.text)} in 'x', 'abc,def,ghi,jkl'), 1, 2)`, 1, 'FunctionIs: `X in (A,B)`'],
  ['contains: two items', `if(contains(${v(DE.text)}, 'abc', 'ghi'), 1, 2)`, 1, 'EventAnalyticsServiceTest.testProgramIndicatorContains 2.43.1'],
  ['contains: absent', `if(contains(${v(DE.text)}, 'xyz'), 1, 2)`, 2, 'EventAnalyticsServiceTest.testProgramIndicatorContains 2.43.1'],
  ['contains: substring', `if(contains(${v(DE.text)}, 'ab'), 1, 2)`, 1, 'EventAnalyticsServiceTest.testProgramIndicatorContains 2.43.1'],
  ['contains: across the comma', `if(contains(${v(DE.text)}, 'c,d'), 1, 2)`, 1, 'EventAnalyticsServiceTest.testProgramIndicatorContains 2.43.1'],
  ['containsItems: two items', `if(containsItems(${v(DE.text)}, 'abc', 'ghi'), 1, 2)`, 1, 'EventAnalyticsServiceTest.testProgramIndicatorContainsItems 2.43.1'],
  ['containsItems: absent', `if(containsItems(${v(DE.text)}, 'xyz'), 1, 2)`, 2, 'EventAnalyticsServiceTest.testProgramIndicatorContainsItems 2.43.1'],
  ['containsItems: not a whole item', `if(containsItems(${v(DE.text)}, 'ab'), 1, 2)`, 2, 'EventAnalyticsServiceTest.testProgramIndicatorContainsItems 2.43.1'],
  ['containsItems: across the comma', `if(containsItems(${v(DE.text)}, 'c,d'), 1, 2)`, 2, 'EventAnalyticsServiceTest.testProgramIndicatorContainsItems 2.43.1'],
  // Program indicator functions (program/function/D2*.java).
  ['d2:condition', `d2:condition('${v(DE.int)} > 3', 10, 20)`, 10, 'D2Condition: case when (test) then 10 else 20 end'],
  ['d2:hasValue', `if(d2:hasValue(${v(DE.empty)}), 1, 2)`, 2, 'D2HasValue: `(X is not null)`'],
  ['d2:oizp of NULL', withValue(`d2:oizp(${v(DE.empty)})`), 0, 'D2Oizp: coalesce(case when NULL >= 0 then 1 else 0 end, 0)'],
  ['d2:oizp', `d2:oizp(${v(DE.int)})`, 1, 'D2Oizp'],
  ['d2:oizp negative', `d2:oizp(${v(DE.int)} - 10)`, 0, 'D2Oizp'],
  ['d2:zing', `d2:zing(${v(DE.int)} - 10)`, 0, 'D2Zing: greatest(0, -6)'],
  ['d2:zing of NULL', withValue(`d2:zing(${v(DE.empty)})`), 0, 'D2Zing: greatest(0, coalesce(NULL::numeric,0))'],
  ['d2:zpvc', `d2:zpvc(${v(DE.int)}, ${v(DE.num)} - 5, ${v(DE.empty)})`, 1, 'D2Zpvc: 4 ≥ 0 counts, −2.5 and NULL do not'],
  ['d2:daysBetween', `d2:daysBetween(A{${AT.dob}}, V{event_date})`, 726, 'D2DaysBetween: 2025-01-10 − 2023-01-15'],
  ['d2:weeksBetween', `d2:weeksBetween(A{${AT.dob}}, V{event_date})`, 103, 'D2WeeksBetween: 726 / 7, integer division'],
  ['d2:monthsBetween', `d2:monthsBetween(A{${AT.dob}}, V{event_date})`, 23, 'D2MonthsBetween: age() = 1 year 11 months 26 days'],
  ['d2:monthsBetween (age borrows the month)', "d2:monthsBetween('2020-01-31', '2020-03-01')", 1, 'PG age(2020-03-01, 2020-01-31) = 1 mon 1 day'],
  ['d2:yearsBetween', `d2:yearsBetween(A{${AT.dob}}, V{event_date})`, 1, 'D2YearsBetween'],
  ['d2:minutesBetween', 'd2:minutesBetween(V{enrollment_date}, V{event_date})', 57_600, 'D2MinutesBetween: 40 days'],
  ['d2:maxValue (EVENT: the row)', `d2:maxValue(${v(DE.int)})`, 4, 'ProgramMinMaxFunction: bare column'],
  ['d2:minValue of PS_EVENTDATE', `d2:daysBetween(d2:minValue(PS_EVENTDATE:${VISIT}), V{analytics_period_end})`, 21, 'ProgramMinMaxFunction: "occurreddate"'],
  ['d2:count (EVENT: the enrollment)', `d2:count(${v(DE.int)})`, 1, 'ProgramCountFunction'],
  ['d2:countIfValue', `d2:countIfValue(${v(DE.int)}, 4)`, 1, 'D2CountIfValue: "d" = 4::numeric'],
  ['d2:countIfCondition', `d2:countIfCondition(${v(DE.int)}, '> 3')`, 1, 'D2CountIfCondition: "d"::numeric > 3::numeric'],
  ['d2:relationshipCount (2.41: none is 0)', 'firstNonNull(d2:relationshipCount(), 7)', 0, 'D2RelationshipCount 2.41: count(*)'],
  ['d2:relationshipCount (2.42: none is NULL)', 'firstNonNull(d2:relationshipCount(), 7)', 7, 'D2RelationshipCount 2.42: sum(relationship_count)', '2.42.0'],
  // Items.
  ['#{} of another stage (2.38+)', `${v(DE.int, OTHER)} + 1`, 1, 'getProgramIndicatorDataElementInEventSelectSql: ps checked', '2.38.0'],
  ['#{} of another stage (2.37: stage ignored)', `${v(DE.int, OTHER)} + 1`, 5, 'AbstractStatementBuilder 2.37: `"d"`', '2.37.0'],
  ['A{}', `if(A{${AT.sex}} == 'FEMALE', 1, 2)`, 1, 'ProgramItemAttribute'],
  ['PS_EVENTDATE: (EVENT: own date)', `d2:daysBetween(PS_EVENTDATE:${OTHER}, V{analytics_period_end})`, 21, 'ProgramItemPsEventdate: occurreddate'],
  // Variables (program/variable/v*.java).
  ['V{analytics_period_start}', 'd2:daysBetween(V{analytics_period_start}, V{event_date})', 9, 'vAnalyticsPeriodStart'],
  ['V{current_date}', 'd2:daysBetween(V{event_date}, V{current_date})', 50, 'vCurrentDate: 2025-03-01'],
  ['V{completed_date}', 'd2:daysBetween(V{event_date}, V{completed_date})', 2, 'vCompletedDate: completeddate'],
  ['V{creation_date}', 'd2:minutesBetween(V{event_date}, V{creation_date})', 600, 'vCreationDate: created 10:00'],
  ['V{sync_date}', 'd2:minutesBetween(V{event_date}, V{sync_date})', 660, 'vSyncDate: lastupdated 11:00'],
  ['V{due_date}', 'd2:daysBetween(V{due_date}, V{event_date})', 0, 'vDueDate: scheduleddate'],
  ['V{incident_date} (2.40: enrollment)', 'd2:daysBetween(V{incident_date}, V{event_date})', 51, 'vIncidentDate 2.40: incidentdate', '2.40.0'],
  ['V{incident_date} (2.41: the event date)', 'd2:daysBetween(V{incident_date}, V{event_date})', 0, 'vIncidentDate 2.41: occurreddate'],
  ['V{enrollment_status}', "if(V{enrollment_status} == 'ACTIVE', 1, 2)", 1, 'vEnrollmentStatus: pistatus'],
  ['V{event_status}', "if(V{event_status} == 'COMPLETED', 1, 2)", 1, 'vEventStatus: psistatus'],
  ['V{program_stage_id}', `if(V{program_stage_id} == '${VISIT}', 1, 2)`, 1, 'vProgramStageId: ps'],
  ['V{program_stage_name}', "if(V{program_stage_name} == 'Visit', 1, 2)", 1, 'vProgramStageName'],
  ['V{value_count}', `V{value_count} + 0 * ${v(DE.empty)} + 0 * ${v(DE.num)}`, 1, 'vValueCount: one of two items has a value'],
  ['V{zero_pos_value_count}', `V{zero_pos_value_count} + 0 * ${v(DE.int)}`, 1, 'vZeroPosValueCount'],
];

describe('the program indicator language, item by item (EVENT, SUM)', () => {
  it.each(ROWS)('%s: %s = %d (%s)', (_item, expression, expected, _source, version = '2.41.4') => {
    expect(indicatorValue(compile({ expression }, version), [CHILD])).toBeCloseTo(expected, 9);
  });

  it('leaves out events where none of the expression’s own items has a value (any-value clause)', () => {
    // JdbcEventAnalyticsManager: `and ("DeEmpty0001" is not null)`; CHILD's event has none: no row,
    // though `coalesce(NULL::numeric,0) + 1` would be 1. The `#{}` of d2:count… is not an item of its
    // own (ProgramElementsAndAttributesCollecter), so there the event counts.
    expect(indicatorValue(compile({ expression: `${v(DE.empty)} + 1` }), [CHILD])).toBeUndefined();
    expect(indicatorValue(compile({ expression: `d2:count(${v(DE.empty)}) + 1` }), [CHILD])).toBe(
      1,
    );
  });

  it('removeZeros makes a zero NULL, which an average then skips (2.39+)', () => {
    // FunctionRemoveZeros: ` case X when 0 then null else X end`; avg(4, NULL) = 4, avg(4, 0) = 2.
    const zero = enrollment('Enr0000009', {
      enrolled: '2024-12-01',
      events: [{ date: '2025-01-11', values: { [DE.int]: '0' } }],
    });
    const average = (expression: string) =>
      indicatorValue(compile({ expression, aggregationType: 'AVERAGE' }, '2.41.4'), [CHILD, zero]);
    expect(average(`removeZeros(${v(DE.int)})`)).toBe(4);
    expect(average(v(DE.int))).toBe(2);
  });

  it('answers 0 for a group whose value is NULL: analytics reads it with getDouble', () => {
    // `sum(nullif(cast((case when NULL >= 0 …) as double precision),0))` is NULL over one event;
    // AbstractJdbcEventAnalyticsManager reads `rowSet.getDouble("value")`, which is 0 for NULL.
    expect(
      indicatorValue(compile({ expression: withValue(`d2:zpvc(${v(DE.empty)})`) }), [CHILD]),
    ).toBe(0);
  });
});

/** A child with three Visits, for the enrollment sub-queries (`getProgramIndicatorEventInEnrollmentSelectSql`). */
const THREE_VISITS = enrollment('Enr0000003', {
  enrolled: '2025-01-02',
  incident: '2024-12-30',
  attributes: { [AT.dob]: '2024-12-01' },
  events: [
    { date: '2025-01-05', values: { [DE.int]: '1', [DE.text]: 'a' } },
    { date: '2025-01-15', values: { [DE.int]: '2' }, status: 'SCHEDULE' },
    { date: '2025-01-20', values: { [DE.text]: 'c' }, status: 'ACTIVE' },
    { stage: OTHER, date: '2025-01-25', values: { [DE.int]: '9' } },
  ],
});

// biome-ignore format: a table, one row a line
const ENROLLMENT_ROWS: [item: string, spec: IndicatorSpec, expected: number, source: string][] = [
  ['#{} latest with a value', { expression: v(DE.int) }, 2, 'latest Visit whose value is not null: 01-15 (any status)'],
  ['.stageOffset(0)', { expression: `${v(DE.int)}.stageOffset(0)` }, 2, 'createOrderTypeAndOffset: desc'],
  ['.stageOffset(-1)', { expression: `${v(DE.int)}.stageOffset(-1)` }, 1, 'desc offset 1'],
  ['.stageOffset(1)', { expression: `${v(DE.int)}.stageOffset(1)` }, 1, 'asc offset 0'],
  ['.stageOffset(2)', { expression: `${v(DE.int)}.stageOffset(2)` }, 2, 'asc offset 1'],
  ['.stageOffset past the values', { expression: `${v(DE.int)}.stageOffset(-2)` }, 0, 'no row: NULL, then coalesce 0'],
  ['d2:count', { expression: `d2:count(${v(DE.int)})` }, 2, 'ProgramCountFunction: two Visits with a value'],
  ['d2:countIfValue', { expression: `d2:countIfValue(${v(DE.text)}, 'c')` }, 1, 'D2CountIfValue: "d" = \'c\''],
  ['d2:countIfCondition', { expression: `d2:countIfCondition(${v(DE.int)}, '>= 2')` }, 1, 'D2CountIfCondition'],
  ['d2:maxValue', { expression: `d2:maxValue(${v(DE.int)})` }, 2, 'ProgramMinMaxFunction: max over the stage'],
  ['d2:minValue', { expression: `d2:minValue(${v(DE.int)})` }, 1, 'ProgramMinMaxFunction: min over the stage'],
  ['PS_EVENTDATE:', { expression: `d2:daysBetween(V{enrollment_date}, PS_EVENTDATE:${VISIT})` }, 18, 'latest Visit date: 01-20'],
  ['V{event_date} (2.39+: ACTIVE or COMPLETED)', { expression: 'd2:daysBetween(V{enrollment_date}, V{event_date})' }, 23, 'vEventDate: latest of any stage, 01-25'],
  ['V{scheduled_date}', { expression: 'd2:daysBetween(V{enrollment_date}, V{scheduled_date})' }, 13, "vScheduledDate: status 'SCHEDULE', 01-15"],
  ['V{event_status}', { expression: "if(V{event_status} == 'COMPLETED', 1, 2)" }, 1, 'vEventStatus: latest event of any stage'],
  ['V{enrollment_count}', { expression: 'V{enrollment_count}', aggregationType: 'COUNT' }, 1, 'vEnrollmentCount: `pi`'],
  ['V{tei_count}', { expression: 'V{tei_count}', aggregationType: 'COUNT' }, 1, 'vTeiCount: `distinct tei`'],
  ['V{program_stage_id} is empty', { expression: "if(V{program_stage_id} == '', 1, 2)" }, 1, "vProgramStageId: ''"],
  ['V{creation_date}', { expression: 'd2:daysBetween(V{enrollment_date}, V{creation_date})' }, 23, 'vCreationDate: latest event of any stage, created 01-25'],
  ['V{due_date}', { expression: 'd2:daysBetween(V{enrollment_date}, V{due_date})' }, 23, 'vDueDate: latest event of any stage'],
  ['V{sync_date}', { expression: 'd2:minutesBetween(V{enrollment_date}, V{sync_date})' }, 540, 'vSyncDate: the enrollment’s lastupdated 09:00'],
  ['V{incident_date} (2.40)', { expression: 'd2:daysBetween(V{incident_date}, V{enrollment_date})' }, 3, 'vIncidentDate: incidentdate (2.41 fails: see versions)'],
  ['A{}', { expression: `d2:daysBetween(A{${AT.dob}}, V{enrollment_date})` }, 32, 'ProgramItemAttribute'],
];

describe('ENROLLMENT indicators: sub-queries over the enrollment’s events (2.41.4, SUM)', () => {
  it.each(ENROLLMENT_ROWS)('%s (%s → %d, %s)', (_item, spec, expected) => {
    // V{incident_date} reads `occurreddate`, which the 2.41 enrollment table lacks: 2.40 here.
    const version = spec.expression.includes('incident_date') ? '2.40.8' : '2.41.4';
    const result = compile({ analyticsType: 'ENROLLMENT', ...spec }, version);
    expect(indicatorValue(result, [THREE_VISITS])).toBeCloseTo(expected, 9);
  });

  it('d2:relationshipCount reads the tracked entity’s relationships, of a type or all', () => {
    const counter = (te: string, type: string | undefined) =>
      te === THREE_VISITS.trackedEntity ? (type ? 1 : 3) : 0;
    const all = compile({ analyticsType: 'ENROLLMENT', expression: 'd2:relationshipCount()' });
    const ofType = compile({
      analyticsType: 'ENROLLMENT',
      expression: "d2:relationshipCount('RelType0001')",
    });
    expect(indicatorValue(all, [THREE_VISITS], undefined, counter)).toBe(3);
    expect(indicatorValue(ofType, [THREE_VISITS], undefined, counter)).toBe(1);
  });
});
