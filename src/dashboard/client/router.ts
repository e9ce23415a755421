import { useCallback, useEffect, useState } from 'react';

/** Addresses of the page, kept in the browser's history without a router library: four sections. */
export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useLocation(): URL {
  const [url, setUrl] = useState(() => new URL(window.location.href));
  useEffect(() => {
    const moved = () => setUrl(new URL(window.location.href));
    window.addEventListener('popstate', moved);
    return () => window.removeEventListener('popstate', moved);
  }, []);
  return url;
}

/** A hook for one call's answer: loading, the answer, or the error, and a way to ask again. */
export function useAnswer<T>(ask: () => Promise<T>, keys: readonly unknown[]) {
  const [state, setState] = useState<{ value?: T; error?: string; loading: boolean }>({
    loading: true,
  });
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the answer depends on
  useEffect(() => {
    let current = true;
    setState((before) => ({ ...before, loading: true }));
    ask().then(
      (value) => current && setState({ value, loading: false }),
      (error: Error) => current && setState({ error: error.message, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...keys, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}
