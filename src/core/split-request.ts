/**
 * Splitting a request whose lists (indicators, org units) make its URL longer than a server's proxy takes:
 * nginx refuses a request line over 8 KB with 414, Tomcat over its maxHttpHeaderSize with 400. The URL's
 * length only grows with the items, so the largest batch that fits is found by bisection.
 */

/** The length of the longest prefix of `items` (at least 1 tried) for which `fits` holds; 0 if none. */
function longestFit<T>(items: readonly T[], fits: (batch: readonly T[]) => boolean): number {
  if (fits(items)) return items.length;
  let low = 0; // fits (vacuously)
  let high = items.length; // does not fit
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (fits(items.slice(0, middle))) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * Consecutive batches of `items`, in order, each as large as `fits` allows. Undefined when a single item
 * does not fit on its own (the caller says why).
 */
export function splitToFit<T>(
  items: readonly T[],
  fits: (batch: readonly T[]) => boolean,
): T[][] | undefined {
  const batches: T[][] = [];
  let rest = items;
  while (rest.length > 0) {
    const size = longestFit(rest, fits);
    if (size === 0) return undefined;
    batches.push(rest.slice(0, size));
    rest = rest.slice(size);
  }
  return batches;
}

export interface TwoLists<A, B> {
  readonly first: readonly A[];
  readonly second: readonly B[];
}

/**
 * Splits a request over two lists (indicators × org units) into requests that each fit, together covering
 * every pair exactly once. The second list is split first; only when not even one of its items fits with
 * the whole first list is the first list split too, keeping room for a share of the second.
 */
export function splitPairs<A, B>(
  request: TwoLists<A, B>,
  fits: (first: readonly A[], second: readonly B[]) => boolean,
): TwoLists<A, B>[] | undefined {
  const { first, second } = request;
  if (first.length === 0 || second.length === 0) return [request];
  const seconds = splitToFit(second, (batch) => fits(first, batch));
  if (seconds) return seconds.map((batch) => ({ first, second: batch }));
  // Room for the longest items of the second list, a handful at a time, beside each share of the first.
  const widest = [...second]
    .sort((a, b) => String(b).length - String(a).length)
    .slice(0, Math.min(second.length, 10));
  const firsts = splitToFit(first, (batch) => fits(batch, widest));
  if (!firsts) return undefined;
  const requests: TwoLists<A, B>[] = [];
  for (const share of firsts) {
    const rest = splitToFit(second, (batch) => fits(share, batch));
    if (!rest) return undefined;
    requests.push(...rest.map((batch) => ({ first: share, second: batch })));
  }
  return requests;
}
