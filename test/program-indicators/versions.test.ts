import { describe, expect, it } from 'vitest';
import type { CompileResult } from '../../src/program-indicators/types.ts';
import {
  AT,
  CHILD,
  compile,
  DE,
  enrollment,
  type IndicatorSpec,
  indicatorValue,
  VISIT,
} from './world.ts';

/**
 * What changed between DHIS2 versions in the program indicator language (first tags checked in the
 * dhis2-core mirror), and what DHIS2 itself cannot run: its parser refuses (409 without error code,
 * `parse`), or PostgreSQL does (class 22 → E7132, class 42 → E7145). Values worked out by hand.
 */
const v = (de: string) => `#{${VISIT}.${de}}`;
const failure = (result: CompileResult) =>
  result.ok ? undefined : (result.dhis2Error ?? { code: 'gap', dbMessage: result.reason });

/** A child with a Visit that has a text but no integer, and one with neither but a number. */
const TWO = [
  CHILD,
  enrollment('Enr0000002', {
    enrolled: '2024-12-01',
    events: [
      { date: '2025-01-11', values: { [DE.text]: 'x', [DE.num]: '1' } },
      { date: '2025-01-12', values: { [DE.num]: '1' }, status: 'SCHEDULE' },
    ],
  }),
];

type VersionRow = [
  what: string,
  spec: IndicatorSpec,
  byVersion: Record<string, number | undefined>,
  source: string,
];

// biome-ignore format: a table, one row a line
const VERSION_ROWS: VersionRow[] = [
  ['numeric literals cast', { expression: '7/2', aggregationType: 'AVERAGE' }, { '2.39.9': 3, '2.39.10': 3.5, '2.40.7': 3, '2.40.8': 3.5, '2.41.3': 3, '2.41.4': 3.5, '2.42.0': 3.5 }, 'SqlLiteral.getNumericLiteral, DHIS2-13925'],
  ['filter keeps NULL (number)', { expression: '1', aggregationType: 'COUNT', filter: `${v(DE.int)} == 0` }, { '2.40.11': 2, '2.40.12': undefined, '2.41.8': 2, '2.41.9': undefined, '2.42.4': 2, '2.42.5': undefined, '2.43.0': 2, '2.43.1': undefined }, 'JdbcEventAnalyticsManager: getAnalyticsSqlAllowingNulls, DHIS2-20929'],
  ['filter keeps NULL (text)', { expression: '1', aggregationType: 'COUNT', filter: `${v(DE.text)} == ''` }, { '2.40.11': 1, '2.40.12': undefined }, "coalesce(…::text,'') = '' before DHIS2-20929"],
  ['d2:zing(NULL) is 0 in filters too', { expression: '1', aggregationType: 'COUNT', filter: `d2:zing(${v(DE.int)}) == 0` }, { '2.40.11': 2, '2.40.12': 2 }, 'D2Zing: greatest(0, NULL) = 0'],
  ['V{event_count}: every event, then ACTIVE and COMPLETED', { expression: 'V{event_count}', aggregationType: 'COUNT' }, { '2.38.7': 3, '2.39.0': 2 }, 'vEventCount: `psi` → case when psistatus in (…)'],
  ['V{scheduled_event_count}', { expression: 'V{scheduled_event_count}', aggregationType: 'COUNT' }, { '2.39.0': 1 }, 'vScheduledEventCount'],
  ['V{org_unit_count}', { expression: 'V{org_unit_count}', aggregationType: 'COUNT' }, { '2.41.0': 1 }, 'vOrgUnitCount: count(distinct ou)'],
  ['V{tei_count}', { expression: 'V{tei_count}', aggregationType: 'COUNT' }, { '2.41.0': 2 }, 'vTeiCount: count(distinct tei)'],
  ['V{enrollment_count}', { expression: 'V{enrollment_count}', aggregationType: 'COUNT' }, { '2.41.0': 2 }, 'vEnrollmentCount: count(distinct pi)'],
  ['V{enrollment_status} of EVENT indicators, again from 2.43.1', { expression: "if(V{enrollment_status} == 'ACTIVE', 1, 0)", aggregationType: 'MAX' }, { '2.41.9': 1, '2.43.1': 1 }, 'vEnrollmentStatus: enrollmentstatus (DHIS2-21591)'],
  ['V{execution_date} is V{event_date}', { expression: 'd2:daysBetween(V{execution_date}, V{event_date})', aggregationType: 'MAX' }, { '2.41.0': 0 }, 'ProgramVariableItem: V_EXECUTION_DATE → vEventDate'],
];

describe('version differences, per first tag', () => {
  for (const [what, spec, byVersion, source] of VERSION_ROWS)
    it.each(Object.entries(byVersion))(`${what} (${source}) on %s: %s`, (version, expected) => {
      expect(indicatorValue(compile(spec, version), TWO)).toBe(expected);
    });
});

type FailureRow = [
  what: string,
  spec: IndicatorSpec,
  version: string,
  code: string,
  message: string,
  source: string,
];

const ITEM = (token: string) => `Item ${token} not supported for this type of expression`;
// biome-ignore format: a table, one row a line
const FAILURES: FailureRow[] = [
  // DHIS2's parser (CommonExpressionVisitor.visitExpr, the item classes).
  ['null before 2.39', { expression: 'firstNonNull(null, 1)' }, '2.38.7', 'parse', ITEM('null'), 'NullLiteral from 2.39.0'],
  ['removeZeros before 2.39', { expression: 'removeZeros(1)' }, '2.38.7', 'parse', ITEM('removeZeros('), 'ParserUtils 2.38: not in COMMON_EXPRESSION_ITEMS'],
  ['removeZeros unknown to the 2.38.0 grammar', { expression: 'removeZeros(1)' }, '2.38.0', 'parse', "Invalid string token 'removeZeros' at line:1 character:0", 'parser 1.0.26, ParserErrorListener'],
  ['is before 2.40', { expression: 'if(is(1 in 1, 2), 1, 0)' }, '2.39.10', 'parse', ITEM('is('), 'FunctionIs from 2.40.0'],
  ['containsItems before 2.41', { expression: "if(containsItems('a', 'a'), 1, 0)" }, '2.40.12', 'parse', "Invalid string token 'containsItems' at line:1 character:3", 'parser 1.0.33 has no containsItems('],
  ['.stageOffset before 2.38', { expression: `${v(DE.int)}.stageOffset(-1)`, analyticsType: 'ENROLLMENT' }, '2.37.10', 'parse', ITEM('.stageOffset('), 'RepeatableProgramStageOffset from 2.38.0'],
  ['.stageOffset of a stage that does not repeat', { expression: `#{StgOther001.${DE.int}}.stageOffset(1)`, analyticsType: 'ENROLLMENT' }, '2.41.0', 'parse', 'Stage offset is allowed only for repeatable stages (`StgOther001` is not repeatable)', 'ProgramItemStageElement, E2039'],
  ['V{scheduled_date} before 2.39', { expression: 'd2:daysBetween(V{scheduled_date}, V{event_date})' }, '2.38.7', 'parse', "Can't find program variable scheduled_date", 'ProgramVariableItem 2.38'],
  ['a d2 function not of program indicators', { expression: 'd2:addDays(V{event_date}, 1)' }, '2.41.0', 'parse', ITEM('d2:addDays('), 'PROGRAM_INDICATOR_ITEMS'],
  ['an indicator item', { expression: 'I{Indicator01}' }, '2.41.0', 'parse', ITEM('I{'), 'PROGRAM_INDICATOR_ITEMS'],
  ['A{program.attribute}', { expression: `A{PrgTracker1.${AT.sex}}` }, '2.41.0', 'parse', `Program attribute must have one UID: A{PrgTracker1.${AT.sex}}`, 'ProgramItemAttribute'],
  ['a data element not in the metadata', { expression: '#{StgVisit001.DeNotThere1}' }, '2.41.0', 'parse', 'Data element DeNotThere1 not found during SQL generation.', 'ProgramItemStageElement'],
  ['a constant not in the metadata', { expression: 'C{CoNotThere1}' }, '2.41.0', 'parse', "Can't find constant for SQL CoNotThere1", 'ItemConstant'],
  // PostgreSQL, class 42 (E7145).
  ['a data element of no stage of the programme', { expression: `#{${VISIT}.${DE.elsewhere}}` }, '2.41.0', 'E7145', 'ERROR: column "DeElsewhr01" does not exist', '42703'],
  ['an attribute in an event programme', { expression: `A{${AT.sex}}`, program: 'PrgEvents01' }, '2.41.0', 'E7145', 'ERROR: column "AtSex000001" does not exist', '42703'],
  ['text compared with a number', { expression: `if(${v(DE.text)} == 1, 1, 0)` }, '2.41.4', 'E7145', 'ERROR: operator does not exist: text = numeric', '42883'],
  ['text compared with an integer literal', { expression: `if(${v(DE.text)} == 1, 1, 0)` }, '2.41.0', 'E7145', 'ERROR: operator does not exist: text = integer', '42883'],
  ['text in arithmetic', { expression: `${v(DE.text)} + 1` }, '2.41.4', 'E7145', 'ERROR: operator does not exist: text + numeric', '42883'],
  ['yes/no compared with true', { expression: `if(${v(DE.bool)} == true, 1, 0)` }, '2.41.4', 'E7145', 'ERROR: operator does not exist: numeric = boolean', '42883 (FT testConditionWithBooleanAsBoolean note)'],
  ['text summed', { expression: "d2:condition('true', 'Given', 'Not given')" }, '2.41.4', 'E7145', 'ERROR: function sum(text) does not exist', '42883'],
  ['if of a number and a text item', { expression: `if(true, 1, ${v(DE.text)})` }, '2.41.4', 'E7145', 'ERROR: CASE types text and numeric cannot be matched', '42804'],
  ['a number where a condition is', { expression: 'if(C{CoSeven0001}, 1, 0)' }, '2.41.4', 'E7145', 'ERROR: argument of CASE/WHEN must be type boolean, not type numeric', '42804'],
  ['arithmetic on an item asked for as a condition', { expression: `if(${v(DE.int)} + 1, 1, 0)` }, '2.41.4', 'E7145', 'ERROR: operator does not exist: boolean + numeric', '42883: `coalesce(…::numeric != 0,false) + 1::numeric`'],
  ['comparisons do not chain', { expression: 'if(1 == 1 == true, 1, 0)' }, '2.41.4', 'E7145', 'ERROR: syntax error at or near "="', '42601'],
  ['an aggregate under SUM', { expression: `count(${v(DE.int)})` }, '2.41.4', 'E7145', 'ERROR: aggregate function calls cannot be nested', '42803'],
  ['CUSTOM without an aggregate', { expression: v(DE.int), aggregationType: 'CUSTOM' }, '2.41.4', 'E7145', 'ERROR: column "ax.DeInt000001" must appear in the GROUP BY clause or be used in an aggregate function', '42803'],
  ['an aggregate in the filter', { expression: '1', filter: `count(${v(DE.int)}) > 1` }, '2.41.4', 'E7145', 'ERROR: aggregate functions are not allowed in WHERE', '42803'],
  ['V{enrollment_count} in arithmetic', { expression: 'V{enrollment_count} + 1', aggregationType: 'COUNT' }, '2.41.4', 'E7145', 'ERROR: syntax error at or near "distinct"', '42601: `distinct pi + 1`'],
  ['V{event_count} of an ENROLLMENT indicator', { expression: 'V{event_count}', analyticsType: 'ENROLLMENT', aggregationType: 'COUNT' }, '2.41.4', 'E7145', 'ERROR: column "psistatus" does not exist', 'vEventCount on the enrollment table'],
  ['V{incident_date} of an ENROLLMENT indicator on 2.41', { expression: 'd2:daysBetween(V{incident_date}, V{enrollment_date})', analyticsType: 'ENROLLMENT' }, '2.41.9', 'E7145', 'ERROR: column "occurreddate" does not exist', 'vIncidentDate 2.41, JdbcEnrollmentAnalyticsTableManager 2.41 (incidentdate)'],
  ['V{enrollment_status} of an EVENT indicator on 2.42', { expression: "if(V{enrollment_status} == 'ACTIVE', 1, 0)" }, '2.42.5', 'E7145', 'ERROR: column "pistatus" does not exist', 'vEnrollmentStatus, fixed in 2.43.1 (DHIS2-21591)'],
  ['V{value_count} of an ENROLLMENT indicator with a data element', { expression: `V{value_count} + ${v(DE.int)}`, analyticsType: 'ENROLLMENT' }, '2.41.4', 'E7145', `ERROR: column "${VISIT}_${DE.int}" does not exist`, 'vValueCount: "stage_de"'],
  ['a yes/no or number in a filter without null replacement', { expression: '1', filter: v(DE.bool) }, '2.41.9', 'E7145', 'ERROR: argument of WHERE must be type boolean, not type integer', 'DHIS2-20929: the raw integer column'],
  // PostgreSQL, class 22 (E7132).
  ['a number compared with a code', { expression: `if(${v(DE.int)} == 'Ongoing', 1, 0)` }, '2.41.4', 'E7132', 'ERROR: invalid input syntax for type numeric: "Ongoing"', 'PIST testComparisonOperator, 22P02'],
  ['a yes/no compared with a code, filter keeping NULL', { expression: '1', filter: `${v(DE.bool)} == 'Yes'` }, '2.41.9', 'E7132', 'ERROR: invalid input syntax for type integer: "Yes"', '22P02 on the integer column'],
  ['an if of a number and a text literal', { expression: "if(true, 1, 'a')" }, '2.41.4', 'E7132', 'ERROR: invalid input syntax for type numeric: "a"', '22P02: the CASE is numeric'],
  ['a date item before typed null replacement', { expression: `if(${v(DE.date)} > '2020-01-01', 1, 0)` }, '2.36.0', 'E7132', 'ERROR: invalid input syntax for type timestamp: ""', "coalesce(timestamp,'') before 2.36.12"],
];

describe('what DHIS2 cannot run either: its parser, or PostgreSQL', () => {
  it.each(FAILURES)('%s (%s on %s): %s %s — %s', (_what, spec, version, code, message) => {
    expect(failure(compile(spec, version))).toMatchObject({ code, dbMessage: message });
  });

  it('a date item after typed null replacement compares as text (2.36.12+)', () => {
    // coalesce("DeDate00001"::text,'') > '2020-01-01': '2024-12-25 00:00:00' > '2020-01-01'.
    expect(
      indicatorValue(compile({ expression: `if(${v(DE.date)} > '2020-01-01', 1, 0)` }, '2.36.12'), [
        CHILD,
      ]),
    ).toBe(1);
  });

  it('a division by zero fails while the query runs (22012)', () => {
    const result = compile({ expression: `1 / (${v(DE.int)} - 4)` });
    expect(() => indicatorValue(result, [CHILD])).toThrow(
      expect.objectContaining({ sqlState: '22012' }),
    );
  });
});
