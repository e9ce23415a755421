/**
 * Which of t2a's causes (core/issues.ts) a DHIS2 import conflict is: by error code, classic engine
 * (E76xx, `DataValueImportConflict`, 2.37–2.42) and the 2.43 engine (E8xxx, `DataEntryError`), or by
 * message text on 2.36, whose conflicts carry no code.
 */
const CODE_CAUSES: Readonly<Record<string, string>> = {
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
  E8011: 'outside-hierarchy',
  // Sharing: the data set's data write access (E7601, E8010), a category option's (E7614, E7616, E8012).
  E7601: 'no-write-access',
  E8010: 'no-write-access',
  E7614: 'no-write-access',
  E7616: 'no-write-access',
  E8012: 'no-write-access',
  E7619: 'invalid-value',
  E8122: 'invalid-value',
  E7621: 'invalid-value',
  E8123: 'invalid-value',
  E7640: 'locked-period',
  E7641: 'future-period',
  E7642: 'locked-period',
  E7643: 'locked-period',
  E7644: 'locked-period',
  E8030: 'locked-period',
  E8031: 'locked-period',
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

const MESSAGE_CAUSES: readonly [RegExp, string][] = [
  [/^Data element not found/i, 'unknown-data-element'],
  [/^Org(anisation)? unit not found/i, 'unknown-org-unit'],
  [/^Category option combo not found/i, 'unknown-category-option-combo'],
  [/^Attribute option combo not found/i, 'unknown-attribute-option-combo'],
  [/not in hierarchy of (the )?current user/i, 'outside-hierarchy'],
  [
    /write access|not accessible|cannot enter data for (data set|category option)/i,
    'no-write-access',
  ],
  // 2.36: "…, must match data element type: …" (`ValidationUtils.dataValueIsValid` through the importer).
  [/Value must match|value type|must match data element type/i, 'invalid-value'],
  [/after latest open future period/i, 'future-period'],
  [/expiry days|not open for this data set|open periods/i, 'locked-period'],
  [/Period not valid|Period type of period/i, 'invalid-period'],
];

export function conflictCause(errorCode: string | undefined, message: string): string {
  if (errorCode && CODE_CAUSES[errorCode]) return CODE_CAUSES[errorCode]!;
  return MESSAGE_CAUSES.find(([pattern]) => pattern.test(message))?.[1] ?? 'other';
}
