import type { DataValue } from './data-value.ts';
import type { ValueProblem } from './export-check.ts';
import type { ImportConflict } from './import-summary.ts';

/** A cause of values not arriving, with the count, what it names, and the fix in an administrator's words. */
export interface Issue {
  readonly cause: string;
  readonly title: string;
  readonly fix: string;
  readonly count: number;
  /** Objects named (codes, org units, periods), at most MAX_OBJECTS. */
  readonly objects: readonly string[];
  /** What was said of it, at most a few: DHIS2's own messages begin with "DHIS2:", t2a's do not. */
  readonly messages: readonly string[];
}

/** One observation of a cause: so many values, naming these objects, with DHIS2's message if any. */
export interface IssueEntry {
  readonly cause: string;
  readonly count: number;
  readonly objects: readonly string[];
  readonly message?: string | undefined;
  /**
   * The values concerned, where known: the run's record keeps every one (`t2a show`, the dashboard's CSV),
   * the report only the count and the objects named.
   */
  readonly values?: readonly DataValue[] | undefined;
}

/** The same issue, with the values it concerns. */
export const about = (entry: IssueEntry, values: readonly DataValue[]): IssueEntry => ({
  ...entry,
  values,
});

const MAX_OBJECTS = 20;
const MAX_MESSAGES = 3;

export interface Cause {
  readonly title: string;
  readonly fix: string;
}

/** Why values did not arrive, in words an HMIS administrator knows, with what to do about it. */
export const CAUSES: Readonly<Record<string, Cause>> = {
  'unknown-data-element': {
    title: 'Data element code not found in the target',
    fix: 'Correct the data element code in the program indicator’s mapping attribute, or give the target data element that code (and share it with the import user).',
  },
  'unknown-org-unit': {
    title: 'Organisation unit not found in the target',
    fix: 'The two instances’ org units differ: set the job’s orgUnitIdScheme (CODE or an attribute) or an org unit mapping file.',
  },
  'unknown-category-option-combo': {
    title: 'Category option combo code not found, or not in the data element’s category combo',
    fix: 'Correct aggregateExportCategoryOptionCombo on the program indicator to a combo code of the data element’s category combo.',
  },
  'unknown-attribute-option-combo': {
    title: 'Attribute option combo not found',
    fix: 'Correct aggregateExportAttributeOptionCombo on the program indicator, or leave it empty for the default.',
  },
  'outside-hierarchy': {
    title: 'Organisation unit outside the import user’s hierarchy',
    fix: 'Assign the import user to an org unit above these (data capture org units) in the target.',
  },
  'invalid-value': {
    title: 'Value refused by DHIS2 for the data element’s value type',
    fix: 'DHIS2’s message below names the value type: make the indicator give what the data element takes, or change the data element’s value type.',
  },
  'not-a-number': {
    title: 'Not a number, for a numeric data element',
    fix: 'The indicator gives text or nothing a number can be made of: correct its expression, or map it to a data element of a text value type.',
  },
  'not-a-whole-number': {
    title: 'A fraction, for a whole-number data element',
    fix: 'Set decimals to 0 on the program indicator (analytics then rounds its values), or make the data element a NUMBER if fractions are meant.',
  },
  'negative-value': {
    title: 'A negative number, for a data element that takes none',
    fix: 'The indicator gave a number below zero, which this data element refuses (rounding does not help): check its expression (a subtraction, a difference of dates) and its filter, or change the data element’s value type.',
  },
  'not-positive': {
    title: 'Zero, for a positive-integer data element',
    fix: 'INTEGER_POSITIVE takes 1 and up: if zero is a real count, make the data element INTEGER_ZERO_OR_POSITIVE; otherwise check the indicator’s expression.',
  },
  'not-negative': {
    title: 'Zero or more, for a negative-integer data element',
    fix: 'INTEGER_NEGATIVE takes only numbers below zero: map the indicator to a data element of another value type, or correct its expression.',
  },
  'locked-period': {
    title: 'Period locked or closed for data entry in the target',
    fix: 'The data set’s expiry days or data input periods close this period, or the org unit was closed (or not yet opened) then; DHIS2 2.43 calls all of these, and a future period not open yet, "untimely data entry" (E8030, E8031). Exclude the period from the job or ask for a lock exception; for the current period, set the data set’s open future periods to 1 or more.',
  },
  'future-period': {
    title: 'Period not yet open for data entry in the target (open future periods)',
    fix: 'The data set’s open future periods keep this period closed; 0 closes even the current period. Set the data set’s open future periods to 1 or more (Maintenance app) if the current period should take values, or leave it out of the job (periods: includeCurrent: false).',
  },
  'invalid-period': {
    title: 'Period not valid for the data set',
    fix: 'Set the job’s periodType to the target data set’s period type.',
  },
  'held-by-others': {
    title: 'Held in the target by someone else: not overwritten',
    fix: 'These cells hold values t2a never wrote (typed by hand, or stored by another tool), so t2a leaves them and reports them each night. If the tracker should win: "t2a adopt --job NAME" (with --data-element, --period or --org-unit to choose the cells), or name the user who stored them in the job’s reconcile.takeOverFrom (e.g. a migration’s import user). If the manual numbers should stay, leave them: nothing is lost.',
  },
  'indicator-failed': {
    title: 'Program indicator the source could not evaluate: no values exported',
    fix: 'DHIS2 failed to compute these indicators (its message is beside each): correct the expression or filter in the source’s Maintenance app, or run analytics if it says a table is missing. The other indicators were delivered; what t2a wrote for these before is kept, not deleted.',
  },
  'failed-validation': {
    title: 'Program indicator withheld: its mapping failed validation (the run was forced)',
    fix: 'Correct each as its finding says ("t2a validate --job NAME" has the whole report); until then its values are withheld, and the run is not a success.',
  },
  'kept-uncertain': {
    title: 'Stale values kept: their indicator failed on the source',
    fix: 'The source could not evaluate the indicators behind these values, so t2a cannot tell whether they are gone: they stay until the indicator evaluates again (see "Program indicator the source could not evaluate").',
  },
  'kept-silent': {
    title: 'Stale values kept: their indicator gave no value at all',
    fix: 'This source version does not report an indicator whose SQL fails (2.38.5, 2.39.4, 2.40.2, 2.41 and later do), and these indicators gave no value in the run nor in the 12 periods before it, so t2a cannot tell whether the values are gone. Look at each indicator in Data Visualizer: if it is right that it has no value, run "t2a sync --job NAME --trust-empty-indicators" once to clear them; if it shows nothing where it should, correct it (see "An indicator the source cannot evaluate").',
  },
  'changed-in-target': {
    title: 'Changed in the target since t2a wrote it: not overwritten',
    fix: "Someone changed or deleted these values in the target after t2a wrote them, so t2a leaves them. If the tracker data should win, run \"t2a adopt --job NAME\" (the target's values become t2a's, and the next run sends the tracker's); otherwise correct the tracker data.",
  },
  'kept-by-create': {
    title: 'Not updated: the job imports with strategy CREATE',
    fix: 'The target holds these cells already and the import strategy CREATE never changes them (t2a holds to it on every version; DHIS2 2.43 would not). If the tracker’s corrections should reach the target, set importStrategy: CREATE_AND_UPDATE for the job or target.',
  },
  'kept-by-update': {
    title: 'Not created: the job imports with strategy UPDATE',
    fix: 'The target has no value in these cells and the import strategy UPDATE only changes values it holds (t2a holds to it on every version; DHIS2 2.43 would not). If new values should be created, set importStrategy: CREATE_AND_UPDATE for the job or target.',
  },
  'no-write-access': {
    title: 'The import user may not write data here (sharing)',
    fix: 'In the target, share the data set with the import user (or a group of it) with data "Can capture and view", and the category options of the combos named with data write access too; then run again.',
  },
  'not-assigned': {
    title: 'Organisation unit not assigned to the data set',
    fix: 'Assign these org units to the target data set, or remove them from the job.',
  },
  'not-in-data-set': {
    title: 'Data element not in a data set',
    fix: 'Add the data element to the target data set (DHIS2 2.43 imports only data elements of a data set).',
  },
  'unmapped-indicator': {
    title: 'Program indicator without a data element code (not mapped)',
    fix: 'Fill the mapping attribute on these indicators (t2a mapping apply), or remove them from the job’s group.',
  },
  duplicate: {
    title: 'Two indicators produce the same data element and combos',
    fix: 'Give each indicator its own data element + category option combo; t2a withheld both values.',
  },
  'deletion-withheld': {
    title: 'Stale values not deleted (guard rail)',
    fix: 'The reason below says which guard held them and what lifts it; the next run that passes it clears them.',
  },
  'would-delete': {
    title: 'Stale values a real run would delete',
    fix: 'These values were written by t2a and the export no longer produces them (tracker data corrected).',
  },
  'analytics-after-import': {
    title: 'Analytics on the target after the import failed',
    fix: 'The values are imported; dashboards show them after the target’s next analytics run.',
  },
  'category-option-combo-not-in-combo': {
    title: 'Category option combo of another category combo (failed validation)',
    fix: 'Use a combo code of the data element’s own category combo in aggregateExportCategoryOptionCombo.',
  },
  'missing-category-option-combo': {
    title: 'No category option combo for a disaggregated data element (failed validation)',
    fix: 'Set aggregateExportCategoryOptionCombo to one of the data element’s combo codes.',
  },
  'period-type': {
    title: 'Data element not in a data set of the job’s period type (failed validation)',
    fix: 'Set the job’s periodType to the data set’s, or add the data element to a data set of the job’s period type.',
  },
  'no-data-set': {
    title: 'Data element in no data set of the target (failed validation)',
    fix: 'Add the data element to the data set it is reported in.',
  },
  'broken-reference': {
    title: 'Program indicator refers to something its programme does not have (failed validation)',
    fix: 'Correct the indicator’s expression or filter; run t2a validate for the details.',
  },
  'org-unit-root-missing': {
    title: 'Org units or groups the job names do not exist on the source',
    fix: 'Correct the UIDs in the job’s orgUnits; the others ran because of --force.',
  },
  'value-type': {
    title: 'Data element does not store numbers (failed validation)',
    fix: 'Map the indicator to a numeric data element.',
  },
  other: { title: 'Other import conflicts', fix: 'Read DHIS2’s message below.' },
};

export const issue = (
  cause: string,
  count: number,
  objects: readonly string[],
  message?: string,
): IssueEntry => ({ cause, count, objects, message });

/** An import conflict: its message is DHIS2's own, and says so. */
export function conflictIssue(conflict: ImportConflict): IssueEntry {
  return issue(
    conflict.cause,
    conflict.count,
    Object.values(conflict.objects),
    `DHIS2: ${conflict.message}`,
  );
}

export function problemIssue(problem: ValueProblem): IssueEntry {
  const value = problem.value;
  if (problem.kind === 'invalid-value')
    return about(
      issue(problem.cause, 1, [
        `${value.dataElement} ${value.period} ${value.orgUnit}: ${problem.reason}`,
      ]),
      [value],
    );
  const object =
    problem.kind === 'unmapped-indicator'
      ? problem.programIndicator
      : problem.kind === 'unknown-category-option-combo'
        ? `${value.dataElement} / ${value.categoryOptionCombo ?? 'default'}`
        : problem.kind === 'duplicate'
          ? `${value.dataElement} / ${value.categoryOptionCombo ?? 'default'} (${problem.count} indicators)`
          : value.dataElement;
  return about(issue(problem.kind, problem.kind === 'duplicate' ? problem.count : 1, [object]), [
    value,
  ]);
}

const unique = (items: readonly string[], more: readonly string[], max: number) =>
  [...new Set([...items, ...more])].slice(0, Math.max(max, items.length));

/** Issues by cause, most values first: `issues` with the `entries` added. */
export function foldIssues(issues: readonly Issue[], entries: readonly IssueEntry[]): Issue[] {
  const byCause = new Map(issues.map((known) => [known.cause, known]));
  for (const entry of entries) {
    const known = CAUSES[entry.cause] ?? CAUSES.other!;
    const before = byCause.get(entry.cause) ?? {
      cause: entry.cause,
      title: known.title,
      fix: known.fix,
      count: 0,
      objects: [],
      messages: [],
    };
    byCause.set(entry.cause, {
      ...before,
      count: before.count + entry.count,
      objects: unique(before.objects, entry.objects, MAX_OBJECTS),
      messages: entry.message
        ? unique(before.messages, [entry.message], MAX_MESSAGES)
        : before.messages,
    });
  }
  return [...byCause.values()].sort((a, b) => b.count - a.count);
}
