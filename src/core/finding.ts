export type Severity = 'error' | 'warning' | 'info';

/** One thing wrong (or worth knowing) about the mapping, with the fix in words. */
export interface Finding {
  readonly kind: string;
  readonly severity: Severity;
  readonly programIndicator?: { readonly id: string; readonly name: string } | undefined;
  readonly dataElement?: string | undefined;
  readonly categoryOptionCombo?: string | undefined;
  readonly attributeOptionCombo?: string | undefined;
  readonly message: string;
  readonly fix: string;
  /** For an unknown code: the closest existing codes. */
  readonly suggestions?: readonly string[] | undefined;
}

/**
 * Every kind of finding that can be an error, and what it means: `t2a validate` reports them, and
 * `t2a sync` refuses (exit 5) a job with any of them unless forced — one list, so the two never
 * disagree (test/jobs/refusal.test.ts enumerates it, and finds every error kind the code can give here).
 */
export const ERROR_KINDS: Readonly<Record<string, string>> = {
  'no-indicators': 'the job selects no program indicators on the source',
  'no-org-units': 'the job selects no org units on the source',
  'org-unit-root-missing': 'the job names org units or groups the source does not have',
  access: 'a user lacks an authority the run needs (source analytics, target data entry)',
  'unmapped-indicator': 'an indicator has no data element code',
  'unknown-data-element': 'a data element code does not exist in the target',
  'unknown-category-option-combo': 'a category option combo code does not exist in the target',
  'unknown-attribute-option-combo': 'an attribute option combo code does not exist in the target',
  'category-option-combo-not-in-combo':
    "a combo code of another category combo than the data element's",
  'missing-category-option-combo': 'a disaggregated data element without a combo code',
  'no-data-set': 'a data element in no data set of the target',
  'period-type': 'a data element in no data set of the period type the values come in',
  duplicate: 'two indicators write the same data element and combo',
  'broken-reference':
    "an indicator's expression names a stage, data element or attribute its programme lacks",
  'org-unit-missing': 'org units of the job that the target does not have',
  'org-unit-not-assigned':
    'org units not assigned to the data set, on a target that refuses them (2.43)',
  'org-unit-outside-hierarchy': "org units outside the import user's data capture org units",
  'missing-category-mapping':
    'a 2.42 disaggregated indicator has a category without one of its category mappings',
  'option-without-filter': "a category mapping's option has no filter: its values would be dropped",
  'combo-not-in-target':
    'a combo a disaggregated indicator can give has no counterpart in the target',
  'combo-without-code': 'a target combo a disaggregated indicator writes to has no code',
};
