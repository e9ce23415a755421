import { Button, CssReset, colors, spacers } from '@dhis2/ui';
import { type MouseEvent, useEffect, useState } from 'react';
import type { SessionInfo } from '../api-types.ts';
import { session as askSession, postJson, setCsrf } from './api.ts';
import { FacilityMonthPage } from './pages/facility-month.tsx';
import { JobsPage } from './pages/jobs.tsx';
import { LoginPage } from './pages/login.tsx';
import { MappingPage } from './pages/mapping.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { RunPage } from './pages/run.tsx';
import { RunsPage } from './pages/runs.tsx';
import { TransitionPage } from './pages/transition.tsx';
import { Failure } from './parts.tsx';
import { navigate, useLocation } from './router.ts';
import { setSessionWords } from './words.ts';

const SECTIONS = [
  ['jobs', 'Jobs'],
  ['runs', 'Runs'],
  ['mapping', 'Mapping'],
  ['transition', 'Transition'],
] as const;

// @dhis2-ui/header-bar's background, a literal there (its header bar itself needs a DHIS2 server).
const HEADER_BAR = '#2c6693';

function Header({
  session,
  onLogout,
}: {
  readonly session: SessionInfo;
  readonly onLogout: () => void;
}) {
  return (
    <header
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        alignItems: 'center',
        gap: `${spacers.dp4} ${spacers.dp16}`,
        minHeight: 48,
        padding: `${spacers.dp4} ${spacers.dp16}`,
        background: HEADER_BAR,
        color: colors.white,
      }}
    >
      <a href="/jobs" style={{ color: colors.white, textDecoration: 'none', fontWeight: 500 }}>
        <span
          style={{
            background: colors.white,
            color: HEADER_BAR,
            borderRadius: 4,
            padding: '0 6px',
            marginRight: 6,
            fontWeight: 700,
          }}
        >
          t2a
        </span>
        <span className="t2a-subtitle">Tracker to aggregate</span>
      </a>
      <span style={{ color: colors.blue100, fontSize: 13 }}>{session.instance}</span>
      {session.user && (
        <div
          style={{ marginLeft: 'auto', display: 'flex', alignItems: 'center', gap: spacers.dp8 }}
        >
          <span>{session.user}</span>
          <Button small secondary onClick={onLogout}>
            Log out
          </Button>
        </div>
      )}
    </header>
  );
}

const TITLES: Record<string, string> = {
  jobs: 'Jobs',
  runs: 'Runs',
  mapping: 'Mapping',
  transition: 'Transition',
  'facility-month': 'A facility’s month',
};

/** The section an address shows: '' is the Jobs page; undefined for an address that is no page. */
function sectionOf(url: URL): { section: string; id?: string } | undefined {
  const [, first = '', id, ...rest] = url.pathname.replace(/\/$/, '').split('/');
  if (rest.length > 0 || (id && first !== 'runs')) return undefined;
  // The login page of a visitor who is logged in already is the Jobs page.
  if (first === '' || first === 'login') return { section: 'jobs' };
  return Object.hasOwn(TITLES, first)
    ? { section: first, ...(id ? { id: decodeURIComponent(id) } : {}) }
    : undefined;
}

function Page({ url }: { readonly url: URL }) {
  const where = sectionOf(url);
  if (!where) return <NotFoundPage url={url} />;
  if (where.section === 'runs' && where.id) return <RunPage id={where.id} />;
  if (where.section === 'runs') return <RunsPage url={url} />;
  if (where.section === 'mapping') return <MappingPage url={url} />;
  if (where.section === 'transition') return <TransitionPage url={url} />;
  if (where.section === 'facility-month') return <FacilityMonthPage url={url} />;
  return <JobsPage />;
}

/**
 * The four sections as links styled as DHIS2's tab bar: each is reached with Tab and opened with Enter,
 * as any link (they are addresses, not panels of one page), and the current one says so to screen
 * readers (aria-current). A plain click stays in the page; a middle or modified click opens a new tab.
 */
function SectionTabs({ current }: { readonly current: string | undefined }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>, path: string) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    navigate(path);
  };
  return (
    <nav aria-label="Sections" className="t2a-tabs" data-test="sections">
      {SECTIONS.map(([path, label]) => (
        <a
          key={path}
          href={`/${path}`}
          aria-current={current === path ? 'page' : undefined}
          onClick={(event) => follow(event, `/${path}`)}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}

/** The dashboard: the header bar, the four sections as tabs, and the page of the address. */
export function App() {
  const url = useLocation();
  const [session, setSession] = useState<SessionInfo>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    askSession().then(
      (info) => {
        setCsrf(info.csrf);
        setSessionWords(info);
        setSession(info);
      },
      (failure: Error) => setError(failure.message),
    );
  }, []);
  const where = sectionOf(url);
  const title = !where
    ? 'Page not found'
    : where.section === 'runs' && where.id
      ? `Run ${where.id}`
      : TITLES[where.section];
  useEffect(() => {
    document.title = `${title} · t2a`;
  }, [title]);
  if (error) return <Failure title="The dashboard could not start" error={error} />;
  if (!session) return null;
  const logout = () => postJson('/api/logout').finally(() => window.location.assign('/login'));
  const loggedIn = Boolean(session.user);
  return (
    <>
      <CssReset />
      <div
        style={{
          minHeight: '100vh',
          background: colors.grey200,
          color: colors.grey900,
          fontSize: 14,
        }}
      >
        <Header session={session} onLogout={logout} />
        {loggedIn && <SectionTabs current={where?.section} />}
        <main className="t2a-main">
          <h1
            className="t2a-wrap"
            style={{ fontSize: 22, fontWeight: 500, margin: `0 0 ${spacers.dp16}` }}
          >
            {loggedIn ? title : 'Log in'}
          </h1>
          {loggedIn ? (
            <Page url={url} />
          ) : (
            <LoginPage
              session={session}
              onLogin={(user) => {
                setSession({ ...session, user });
                const next = new URLSearchParams(window.location.search).get('next');
                navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/jobs');
              }}
            />
          )}
        </main>
      </div>
    </>
  );
}
