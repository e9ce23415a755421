import { atLeast, type Dhis2Version } from '../version.ts';

/**
 * The tracker importer's error codes with their words per version: `TrackerErrorCode` (2.36–2.39),
 * `ValidationCode` (2.40+). Each code lists the first minor a wording appeared in (read from both enums
 * at 2.36.13, 2.37.10, 2.38.7, 2.39.10, 2.40.12, 2.41.9, 2.42.5 and 2.43.1).
 */
const TEMPLATES: Record<string, readonly (readonly [number, string])[]> = {
  E1000: [
    [36, 'User: `{0}`, has no write access to OrganisationUnit: `{1}`.'],
    [42, 'User: `{0}` has no write access to OrganisationUnit: `{1}`.'],
    [43, 'User: `{0}` has no capture scope access to OrganisationUnit: `{1}`.'],
  ],
  E1002: [
    [36, 'TrackedEntityInstance: `{0}`, already exists.'],
    [41, 'TrackedEntity: `{0}`, already exists.'],
  ],
  E1005: [[36, 'Could not find TrackedEntityType: `{0}`.']],
  E1011: [[36, 'Could not find OrganisationUnit: `{0}`, linked to Event.']],
  E1013: [[37, 'Could not find ProgramStage: `{0}`, linked to Event.']],
  E1030: [
    [36, 'Event: `{0}`, already exists.'],
    [42, 'Event: `{0}` already exists.'],
  ],
  E1031: [
    [36, 'Event OccurredAt date is missing.'],
    [42, 'Event occurredAt date is missing.'],
  ],
  E1032: [
    [36, 'Event: `{0}`, do not exist.'],
    [42, 'Event: `{0}` do not exist.'],
  ],
  E1049: [
    [36, 'Could not find OrganisationUnit: `{0}`, linked to Tracked Entity.'],
    [42, 'Could not find OrganisationUnit: `{0}` linked to TrackedEntity.'],
  ],
  E1063: [
    [36, 'TrackedEntityInstance: `{0}`, does not exist.'],
    [41, 'TrackedEntity: `{0}`, does not exist.'],
  ],
  E1068: [
    [36, 'Could not find TrackedEntityInstance: `{0}`, linked to Enrollment.'],
    [41, 'Could not find TrackedEntity: `{0}`, linked to Enrollment.'],
    [42, 'Could not find TrackedEntity: `{0}` linked to Enrollment.'],
  ],
  E1069: [
    [36, 'Could not find Program: `{0}`, linked to Enrollment.'],
    [42, 'Could not find Program: `{0}` linked to Enrollment.'],
  ],
  E1070: [
    [36, 'Could not find OrganisationUnit: `{0}`, linked to Enrollment.'],
    [42, 'Could not find OrganisationUnit: `{0}` linked to Enrollment.'],
  ],
  E1080: [
    [36, 'Enrollment: `{0}`, already exists.'],
    [43, 'Enrollment: `{0}` already exists.'],
  ],
  E1081: [
    [36, 'Enrollment: `{0}`, do not exist.'],
    [43, 'Enrollment: `{0}` do not exist.'],
  ],
  E1082: [
    [36, "Event: `{0}`, is already deleted and can't be modified."],
    [37, 'Event: `{0}`, is already deleted and cannot be modified.'],
    [43, 'Event: `{0}` is already deleted and cannot be modified.'],
  ],
  E1087: [[36, 'Event: `{0}`, could not find DataElement: `{1}`, linked to a data value.']],
  E1088: [[36, 'Event: `{0}`, program: `{1}`, and ProgramStage: `{2}`, could not be found.']],
  E1100: [
    [
      36,
      "User: `{0}`, is lacking 'F_TEI_CASCADE_DELETE' authority to delete TrackedEntityInstance: `{1}`.",
    ],
    [
      41,
      "User: `{0}`, is lacking 'F_TEI_CASCADE_DELETE' authority to delete TrackedEntity: `{1}`.",
    ],
    [42, "User: `{0}` lacks 'F_TEI_CASCADE_DELETE' authority to delete TrackedEntity: `{1}`."],
  ],
  E1103: [
    [
      36,
      "User: `{0}`, is lacking 'F_ENROLLMENT_CASCADE_DELETE' authority to delete Enrollment : `{1}`.",
    ],
    [42, "User: `{0}` lacks 'F_ENROLLMENT_CASCADE_DELETE' authority to delete Enrollment : `{1}`."],
  ],
  E1113: [
    [36, "Enrollment: `{0}`, is already deleted and can't be modified."],
    [37, 'Enrollment: `{0}`, is already deleted and cannot be modified.'],
    [42, 'Enrollment: `{0}` is already deleted and cannot be modified.'],
  ],
  E1114: [
    [36, "TrackedEntity: `{0}`, is already deleted and can't be modified."],
    [37, 'TrackedEntity: `{0}`, is already deleted and cannot be modified.'],
    [42, 'TrackedEntity: `{0}` is already deleted and cannot be modified.'],
  ],
  E1304: [
    [36, 'DataElement `{0}` is not a valid data element'],
    [42, 'DataElement `{0}` is not a valid DataElement.'],
  ],
  E4000: [
    [36, 'Relationship: `{0}` cannot link to itself'],
    [42, 'Relationship: `{0}` cannot link to itself.'],
  ],
  E4001: [
    [
      36,
      'Relationship Item `{0}` for Relationship `{1}` is invalid: an Item can link only one Tracker entity.',
    ],
    [
      40,
      'Relationship item `{0}` for relationship `{1}` is invalid: an item must link to exactly one of trackedEntity, enrollment, event.',
    ],
    [
      41,
      'Relationship item `{0}` for relationship `{1}` is invalid: an item must link exactly one of trackedEntity, enrollment, event.',
    ],
    [
      42,
      'RelationshipItem `{0}` for Relationship `{1}` is invalid as an item must be associated with exactly one of TrackedEntity, Enrollment, Event.',
    ],
  ],
  E4006: [
    [36, 'Could not find relationship Type: `{0}`.'],
    [40, 'Could not find relationship type: `{0}`.'],
    [42, 'Could not find RelationshipType: `{0}`.'],
  ],
  E4012: [
    [36, 'Could not find `{0}`: `{1}`, linked to Relationship.'],
    [40, 'Could not find `{0}`: `{1}`, linked to relationship.'],
  ],
  E4015: [
    [36, 'Relationship: `{0}`, already exists.'],
    [42, 'Relationship: `{0}` already exists.'],
  ],
  E4016: [
    [36, 'Relationship: `{0}`, do not exist.'],
    [42, 'Relationship: `{0}` do not exist.'],
  ],
  E4017: [
    [36, 'Relationship: `{0}`, is already deleted and cannot be modified.'],
    [42, 'Relationship: `{0}` is already deleted and cannot be modified.'],
  ],
};

export type TrackerType = 'TRACKED_ENTITY' | 'ENROLLMENT' | 'EVENT' | 'RELATIONSHIP';

export interface TrackerError {
  readonly errorCode: string;
  readonly message: string;
  readonly trackerType: TrackerType;
  readonly uid: string;
  /** The formatted arguments (`Error.args`, serialised from 2.41). */
  readonly args: readonly string[];
}

/** An argument naming a DHIS2 object: 2.36 prints it as `Class (uid)`, 2.37+ the UID alone. */
export interface ObjectArg {
  readonly klass: string;
  readonly uid: string;
}

export function trackerError(
  version: Dhis2Version,
  errorCode: string,
  trackerType: TrackerType,
  uid: string,
  args: readonly (string | ObjectArg)[],
): TrackerError {
  // TrackerReportUtils.parseArgs (2.36: TrackerIdentifier.getIdAndName); 2.37+ the identifier only.
  const formatted = args.map((arg) =>
    typeof arg === 'string' ? arg : atLeast(version, 37) ? arg.uid : `${arg.klass} (${arg.uid})`,
  );
  const eras = TEMPLATES[errorCode] ?? [[36, `${errorCode}`]];
  const template =
    [...eras].reverse().find(([minor]) => version.minor >= minor)?.[1] ?? eras[0]![1];
  return {
    errorCode,
    message: messageFormat(template, formatted),
    trackerType,
    uid,
    args: formatted,
  };
}

/** java.text.MessageFormat: `{n}` arguments, `''` an apostrophe, `'…'` quoted text (quotes dropped). */
export function messageFormat(template: string, args: readonly string[]): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === "'") {
      if (template[i + 1] === "'") {
        out += "'";
        i++;
        continue;
      }
      const end = template.indexOf("'", i + 1);
      const stop = end === -1 ? template.length : end;
      out += template.slice(i + 1, stop);
      i = stop;
    } else if (ch === '{') {
      const end = template.indexOf('}', i);
      out += args[Number(template.slice(i + 1, end))] ?? `{${template.slice(i + 1, end)}}`;
      i = end;
    } else out += ch;
  }
  return out;
}
