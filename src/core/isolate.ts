/**
 * Narrowing a failing request down to the items that make it fail. DHIS2 fails a whole analytics
 * request when one program indicator's SQL fails, without naming the indicator; asking again with
 * half the items, then half of the failing half, finds each failing item in about log2(n) requests
 * per failure, and every good item's answer is kept on the way.
 */
export interface Isolated<T, R> {
  /** The answers of the requests that succeeded, in the order they were made. */
  readonly results: R[];
  /** Items that fail on their own, each with the error asking for it alone gave. */
  readonly failed: { readonly item: T; readonly error: unknown }[];
  /** Requests made. */
  readonly requests: number;
}

/**
 * Asks for `items`; when the request fails with an error that `blamable` says one item can cause, asks
 * for each half, down to single items. An error `blamable` does not accept (a refused login, the server
 * unreachable) is thrown at once, as is the original error when every item fails on its own: then no
 * item is to blame, the request is.
 */
export async function isolateFailing<T, R>(
  items: readonly T[],
  attempt: (items: readonly T[]) => Promise<R>,
  blamable: (error: unknown) => boolean,
): Promise<Isolated<T, R>> {
  const results: R[] = [];
  const failed: { item: T; error: unknown }[] = [];
  let requests = 0;
  let firstError: unknown;
  const visit = async (part: readonly T[]): Promise<void> => {
    if (part.length === 0) return;
    requests += 1;
    try {
      results.push(await attempt(part));
    } catch (error) {
      if (!blamable(error)) throw error;
      firstError ??= error;
      if (part.length === 1) {
        failed.push({ item: part[0]!, error });
        return;
      }
      const middle = Math.ceil(part.length / 2);
      await visit(part.slice(0, middle));
      await visit(part.slice(middle));
    }
  };
  await visit(items);
  if (items.length > 0 && failed.length === items.length) throw firstError;
  return { results, failed, requests };
}
