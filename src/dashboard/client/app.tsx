import { Button, CssReset, colors, spacers, Tab, TabBar } from '@dhis2/ui';
import { useEffect, useState } from 'react';
import type { SessionInfo } from '../api-types.ts';
import { session as askSession, postJson, setCsrf } from './api.ts';
import { JobsPage } from './pages/jobs.tsx';
import { LoginPage } from './pages/login.tsx';
import { MappingPage } from './pages/mapping.tsx';
import { RunPage } from './pages/run.tsx';
import { RunsPage } from './pages/runs.tsx';
import { TransitionPage } from './pages/transition.tsx';
import { Failure } from './parts.tsx';
import { navigate, useLocation } from './router.ts';

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
        alignItems: 'center',
        gap: spacers.dp16,
        height: 48,
        padding: `0 ${spacers.dp16}`,
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
        Tracker to aggregate
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
  login: 'Log in',
};

function Page({ url }: { readonly url: URL }) {
  const [, section, id] = url.pathname.split('/');
  if (section === 'runs' && id) return <RunPage id={decodeURIComponent(id)} />;
  if (section === 'runs') return <RunsPage url={url} />;
  if (section === 'mapping') return <MappingPage url={url} />;
  if (section === 'transition') return <TransitionPage url={url} />;
  return <JobsPage />;
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
        setSession(info);
      },
      (failure: Error) => setError(failure.message),
    );
  }, []);
  const [, rawSection, id] = url.pathname.split('/');
  const section = rawSection && rawSection in TITLES ? rawSection : 'jobs';
  const title = section === 'runs' && id ? `Run ${decodeURIComponent(id)}` : TITLES[section];
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
        {loggedIn && (
          <nav aria-label="Sections" style={{ background: colors.white }}>
            <TabBar>
              {SECTIONS.map(([path, label]) => (
                <Tab key={path} selected={section === path} onClick={() => navigate(`/${path}`)}>
                  {label}
                </Tab>
              ))}
            </TabBar>
          </nav>
        )}
        <main style={{ maxWidth: 1280, margin: '0 auto', padding: spacers.dp24 }}>
          <h1 style={{ fontSize: 22, fontWeight: 500, margin: `0 0 ${spacers.dp16}` }}>
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
