import type { Dhis2Client } from './client.ts';

/**
 * Whether the source's parser takes a program indicator expression or filter:
 * `POST /api/programIndicators/{expression|filter}/description` (`ProgramIndicatorController`). 2.36–2.38
 * read the body as the text itself (`@RequestBody String`); 2.39–2.43 also take `{"expression": …}` as
 * JSON, and text/plain as before — so t2a sends text/plain to every version. The answer is a
 * DescriptiveWebMessage, 200 either way: status OK with the description (items named), or ERROR with
 * the parser's message in `description` ("Data element … not found"). `message` is translated into the
 * user's language ("Valid", "Expression is not valid"), so only `status` is read.
 */
export interface ExpressionCheck {
  readonly valid: boolean;
  /** The description DHIS2 gives: the expression with items named, or why it does not parse. */
  readonly description: string;
}

export async function describeExpression(
  client: Dhis2Client,
  kind: 'expression' | 'filter',
  text: string,
): Promise<ExpressionCheck> {
  const response = await client.request('POST', `programIndicators/${kind}/description`, {}, text, {
    text: true,
  });
  const body = (response.body ?? {}) as { status?: string; description?: string; message?: string };
  // 2.39+ answer an empty text OK without a description: no expression is not a valid one.
  const valid = body.status === 'OK' && typeof body.description === 'string';
  return { valid, description: body.description ?? body.message ?? '' };
}
