/**
 * How analytics refuses a request, as DHIS2 does:
 * - an `IllegalQueryException` or `QueryRuntimeException` is a 409 WebMessage with an E71xx code
 *   (`CrudControllerAdvice.illegalQueryExceptionHandler` → `conflict(message, errorCode)`);
 * - a request parameter that does not bind (an unknown id scheme) is a 400 from the binding handlers
 *   (`CrudControllerAdvice.handleBindException`), or a 500 on 2.36, which had no such handler;
 * - an expression that does not parse is an `IllegalStateException` (`ParserException`): a 409 with
 *   the parser's message and no error code (`CrudControllerAdvice`, every version).
 */
export class AnalyticsQueryError extends Error {
  constructor(
    message: string,
    readonly errorCode: string,
    readonly devMessage?: string,
  ) {
    super(message);
  }
}

export class AnalyticsRequestError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 409 | 500,
  ) {
    super(message);
  }
}

/** `ErrorCode.java` messages, identical from 2.36 to 2.43 for the codes used here. */
export const E = {
  E7101: 'At least one dimension must be specified',
  E7102:
    'At least one data dimension item or data element group set dimension item must be specified',
  // {0} is a Java List: `[ou, pe]`.
  E7103: (dims: string) =>
    `Dimensions cannot be specified as dimension and filter simultaneously: \`[${dims}]\``,
  // "start and dates" is DHIS2's own wording.
  E7104: 'At least one period as dimension or filter, or start and dates, must be specified',
  E7108: 'Only a single indicator can be specified as filter',
  E7110: 'Category option combos cannot be specified as filter',
  E7111: (dims: string) => `Dimensions cannot be specified more than once: \`[${dims}]\``,
  E7113: 'Assigned categories cannot be specified when data elements are not specified',
  E7114: 'Assigned categories can only be specified together with data elements',
  E7117: "A data dimension 'dx' must be specified when output format is DATA_VALUE_SET",
  E7118: "A period dimension 'pe' must be specified when output format is DATA_VALUE_SET",
  E7119:
    "An organisation unit dimension 'ou' must be specified when output format is DATA_VALUE_SET",
  E7120: (user: string, orgUnit: string) =>
    `User: \`${user}\` is not allowed to view org unit: \`${orgUnit}\``,
  E7124: (dim: string) =>
    `Dimension is present in query without any valid dimension options: \`${dim}\``,
  E7125: (dim: string) => `Dimension identifier does not reference any dimension: \`${dim}\``,
  E7128: (limit: number) => `Query result set exceeded max limit: \`${limit}\``,
  E7131: 'Query failed, likely because the query timed out',
  E7143: 'Organisation unit or organisation unit level is not valid',
  E7144:
    'Query failed because a referenced table does not exist. Please ensure analytics job was run',
  E7145: 'Query failed because of a syntax error',
  E7217: (user: string) => `User is not allowed to view event analytics data: \`${user}\``,
} as const;

export function queryError(code: keyof typeof E, ...args: string[]): AnalyticsQueryError {
  const message = E[code];
  return new AnalyticsQueryError(
    typeof message === 'function' ? (message as (...a: string[]) => string)(...args) : message,
    code,
  );
}
