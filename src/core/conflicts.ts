import type { ValueProblem } from './export-check.ts';
import type { ImportConflict } from './import-summary.ts';

/** A cause of values not arriving, with the count, what it names, and the fix in an administrator's words. */
export interface Issue {
  readonly cause: string;
  readonly title: string;
  readonly fix: string;
  count: number;
  /** Objects named (codes, org units, periods), at most MAX_OBJECTS. */
  readonly objects: string[];
  /** DHIS2's own messages for it, at most a few. */
  readonly messages: string[];
}

const MAX_OBJECTS = 20;
const MAX_MESSAGES = 3;

interface Cause {
  readonly title: string;
  readonly fix: string;
}

/** DHIS2 import conflicts by error code (classic E76xx, 2.43 E8xxx), in words an HMIS administrator knows. */
const CAUSES: Record<string, Cause> = {
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
    title: 'Value does not fit the data element’s value type',
    fix: 'Set decimals to 0 on the program indicator, or change the data element’s value type.',
  },
  'locked-period': {
    title: 'Period locked or closed for data entry in the target',
    fix: 'The data set’s expiry days or data input periods close this period: exclude it from the job, or ask for a lock exception.',
  },
  'invalid-period': {
    title: 'Period not valid for the data set',
    fix: 'Set the job’s periodType to the target data set’s period type.',
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
    fix: 'Read the reason below; once the export is complete and fresh the next run clears them, or rerun with --allow-mass-delete.',
  },
  'would-delete': {
    title: 'Stale values a real run would delete',
    fix: 'These values were written by t2a and the export no longer produces them (tracker data corrected).',
  },
  'analytics-after-import': {
    title: 'Analytics on the target after the import failed',
    fix: 'The values are imported; dashboards show them after the target’s next analytics run.',
  },
  other: { title: 'Other import conflicts', fix: 'Read DHIS2’s message below.' },
};

const CODE_CAUSES: Record<string, string> = {
  E7610: 'unknown-data-element',
  E8103: 'unknown-data-element',
  E7612: 'unknown-org-unit',
  E8107: 'unknown-org-unit',
  E7613: 'unknown-category-option-combo',
  E8108: 'unknown-category-option-combo',
  E7634: 'unknown-category-option-combo',
  E8024: 'unknown-category-option-combo',
  E7615: 'unknown-attribute-option-combo',
  E8110: 'unknown-attribute-option-combo',
  E7635: 'unknown-attribute-option-combo',
  E8023: 'unknown-attribute-option-combo',
  E7617: 'outside-hierarchy',
  E8010: 'outside-hierarchy',
  E8011: 'outside-hierarchy',
  E8012: 'outside-hierarchy',
  E7619: 'invalid-value',
  E8122: 'invalid-value',
  E7621: 'invalid-value',
  E8123: 'invalid-value',
  E7640: 'locked-period',
  E7641: 'locked-period',
  E7642: 'locked-period',
  E7643: 'locked-period',
  E7644: 'locked-period',
  E8030: 'locked-period',
  E8033: 'locked-period',
  E7611: 'invalid-period',
  E7632: 'invalid-period',
  E8021: 'invalid-period',
  E7636: 'not-assigned',
  E8022: 'not-assigned',
  E7633: 'not-in-data-set',
  E8020: 'not-in-data-set',
  E8002: 'not-in-data-set',
  E8003: 'not-in-data-set',
};

/** 2.36 conflicts carry no code: recognise them by DHIS2's message texts. */
const MESSAGE_CAUSES: [RegExp, string][] = [
  [/^Data element not found/i, 'unknown-data-element'],
  [/^Org(anisation)? unit not found/i, 'unknown-org-unit'],
  [/^Category option combo not found/i, 'unknown-category-option-combo'],
  [/^Attribute option combo not found/i, 'unknown-attribute-option-combo'],
  [/not in hierarchy of (the )?current user/i, 'outside-hierarchy'],
  [/Value must match|value type/i, 'invalid-value'],
  [
    /expiry days|not open for this data set|after latest open future period|open periods/i,
    'locked-period',
  ],
  [/Period not valid|Period type of period/i, 'invalid-period'],
];

export function causeOfConflict(conflict: ImportConflict): string {
  if (conflict.errorCode && CODE_CAUSES[conflict.errorCode])
    return CODE_CAUSES[conflict.errorCode]!;
  return MESSAGE_CAUSES.find(([pattern]) => pattern.test(conflict.message))?.[1] ?? 'other';
}

/** Accumulates issues by cause across chunks, keeping a bounded sample of what each names. */
export class IssueLog {
  private readonly issues = new Map<string, Issue>();

  addConflict(conflict: ImportConflict): void {
    const objects = Object.values(conflict.objects);
    this.add(causeOfConflict(conflict), conflict.count, objects, conflict.message);
  }

  addProblem(problem: ValueProblem): void {
    const value = problem.value;
    const object =
      problem.kind === 'unmapped-indicator'
        ? problem.programIndicator
        : problem.kind === 'unknown-category-option-combo'
          ? `${value.dataElement} / ${value.categoryOptionCombo ?? 'default'}`
          : problem.kind === 'invalid-value'
            ? `${value.dataElement} ${value.period} ${value.orgUnit}: ${problem.reason}`
            : problem.kind === 'duplicate'
              ? `${value.dataElement} / ${value.categoryOptionCombo ?? 'default'} (${problem.count} indicators)`
              : value.dataElement;
    this.add(problem.kind, problem.kind === 'duplicate' ? problem.count : 1, [object], undefined);
  }

  add(cause: string, count: number, objects: readonly string[], message: string | undefined): void {
    const known = CAUSES[cause] ?? CAUSES.other!;
    let issue = this.issues.get(cause);
    if (!issue) {
      issue = { cause, title: known.title, fix: known.fix, count: 0, objects: [], messages: [] };
      this.issues.set(cause, issue);
    }
    issue.count += count;
    for (const object of objects) {
      if (issue.objects.length < MAX_OBJECTS && !issue.objects.includes(object))
        issue.objects.push(object);
    }
    if (message && issue.messages.length < MAX_MESSAGES && !issue.messages.includes(message)) {
      issue.messages.push(message);
    }
  }

  list(): Issue[] {
    return [...this.issues.values()].sort((a, b) => b.count - a.count);
  }

  get size(): number {
    return this.issues.size;
  }
}
