import { atLeast, type Dhis2Version } from '../version.ts';

/**
 * The metadata import's error reports (`ErrorReport.java`, `ErrorCode.java`). Up to 2.38 most messages
 * end with a dot; 2.39 dropped it (E4054 and E4056 kept theirs). E4005 names the failed rule instead of
 * echoing the password from 2.41, and E4055 lost its "An" in 2.39.
 */
const MESSAGES: Record<string, (version: Dhis2Version) => string> = {
  E3000: dotted('User `{0}` is not allowed to create objects of type {1}'),
  E3001: dotted('User `{0}` is not allowed to update object `{1}`'),
  E3002: dotted('User `{0}` is not allowed to delete object `{1}`'),
  E4000: dotted('Missing required property `{0}`'),
  E4001: dotted('Maximum length of property `{0}`is {1}, but given length was {2}'),
  E4002: dotted(
    'Allowed length range for property `{0}` is [{1} to {2}], but given length was {3}',
  ),
  E4005: (version) =>
    atLeast(version, 41)
      ? 'Property `{0}` requires a valid password, `{1}`'
      : dotted('Property `{0}` requires a valid password, was given `{1}`')(version),
  E4014: () => 'Invalid UID `{0}` for property `{1}`',
  E4049: dotted('Property `{0}` requires a valid username, was given `{1}`'),
  E4054: () => 'Property `{0}` already exists, was given `{1}`.',
  E4055: (version) =>
    atLeast(version, 39)
      ? 'User needs to have at least one user role associated with it'
      : 'An user needs to have at least one user role associated with it.',
  E4056: () => 'Property `{0}` can not be changed, was given `{1}`.',
  // Program category mappings, 2.42+ (`ProgramObjectBundleHook`, `ProgramCategoryMappingValidator`).
  E4072: () => 'Program `{0}` category mapping `{1}` category `{2}` not found',
  E4073: () => 'Program `{0}` category `{1}` mapping `{2}` option `{3}` not found',
  E4075: () => 'Program `{0}` has an invalid category mapping `{1}`',
  E4076: () => 'Program `{0}` has duplicate category mapping `{1}`',
  E4077: () => 'Program `{0}` category `{1}` has duplicate category mapping name `{2}`',
  E4079: () =>
    'Program `{0}` category mapping `{1}` has multiple option mappings for Category Option `{2}`',
  // `{1}` twice is DHIS2's own text (ErrorCode.java, 2.42.1+).
  E4080: () => 'Program `{0}` category mapping `{1}` has an invalid option mapping `{1}`',
  E5000: (version) =>
    atLeast(version, 43)
      ? 'Found matching object for reference, but import strategy is CREATE. Identifier was {0}, and object was {1}.'
      : atLeast(version, 37)
        ? 'Found matching object for reference, but import mode is CREATE. Identifier was {0}, and object was {1}.'
        : 'Found matching object for given reference, but import mode is CREATE. Identifier was {0}, and object was {1}.',
  // importStrategy DELETE of an object that does not exist (`DeletionCheck`); "given" until 2.36.
  E5001: (version) =>
    `No matching object for ${atLeast(version, 37) ? '' : 'given '}reference. Identifier was {0}, and object was {1}.`,
  E5002: dotted('Invalid reference {0} on object {1} for association `{2}`'),
  E5003: dotted('Property `{0}` with value `{1}` on object {2} already exists on object {3}'),
};

function dotted(text: string): (version: Dhis2Version) => string {
  return (version) => (atLeast(version, 39) ? text : `${text}.`);
}

export type ErrorCodeName = keyof typeof MESSAGES & string;

/** One `ErrorReport` as DHIS2 serialises it (Jackson, nulls left out). */
export interface ErrorReportJson {
  message: string;
  mainKlass: string;
  errorCode: string;
  errorProperty?: string;
  errorKlass?: string;
  mainId?: string;
  errorProperties: unknown[];
  args?: string[];
}

/** `MessageFormat.format`: `{n}` takes the argument's text, `null` for a missing value. */
function format(pattern: string, args: readonly unknown[]): string {
  return pattern.replace(/\{(\d+)\}/g, (_, n: string) => text(args[Number(n)]));
}

const text = (value: unknown): string =>
  value === undefined || value === null ? 'null' : String(value);

export function errorReport(
  version: Dhis2Version,
  code: ErrorCodeName,
  mainKlass: string,
  args: readonly unknown[],
  extra: { errorProperty?: string; errorKlass?: string; mainId?: string } = {},
): ErrorReportJson {
  const report: ErrorReportJson = {
    message: format(MESSAGES[code]!(version), args),
    mainKlass,
    errorCode: code,
    errorProperties: [...args],
    ...extra,
  };
  // `ErrorReport.getArgs` from 2.41: the arguments as text.
  if (atLeast(version, 41)) report.args = args.map(text);
  return report;
}

/** `PreheatIdentifier.getIdentifiersWithName` for UIDs: `Name [uid] (Class)`, or `[uid] (Class)`. */
export function identifiersWithName(
  id: string | undefined,
  name: unknown,
  simpleClass: string,
): string {
  const identifiers = `[${id ?? ''}]`;
  return typeof name === 'string' && name !== ''
    ? `${name} ${identifiers} (${simpleClass})`
    : `${identifiers} (${simpleClass})`;
}
