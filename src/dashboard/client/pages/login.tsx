import { Button, InputField, NoticeBox, spacers } from '@dhis2/ui';
import { type FormEvent, useState } from 'react';
import type { SessionInfo } from '../../api-types.ts';
import { postJson, setCsrf } from '../api.ts';
import { card } from '../parts.tsx';

/** The login: user name and password, checked by the server (configured users, or DHIS2's own). */
export function LoginPage({
  session,
  onLogin,
}: {
  readonly session: SessionInfo;
  readonly onLogin: (user: string) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const answer = await postJson<
        { ok: true; user: string; csrf: string } | { ok: false; error: string }
      >('/api/login', { username, password });
      if (answer.ok) {
        setCsrf(answer.csrf);
        onLogin(answer.user);
      } else {
        setError(answer.error);
        setPassword('');
      }
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ ...card, maxWidth: 400, margin: '64px auto', padding: spacers.dp24 }}>
      <form onSubmit={submit}>
        {error && (
          <div role="alert" style={{ marginBottom: spacers.dp16 }}>
            <NoticeBox error title="Not logged in">
              {error}
            </NoticeBox>
          </div>
        )}
        <div style={{ marginBottom: spacers.dp12 }}>
          <InputField
            label="User name"
            name="username"
            autoComplete="username"
            value={username}
            onChange={({ value }) => setUsername(value ?? '')}
            initialFocus={!username}
            required
          />
        </div>
        <div style={{ marginBottom: spacers.dp16 }}>
          <InputField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={({ value }) => setPassword(value ?? '')}
            initialFocus={Boolean(error)}
            required
          />
        </div>
        <Button type="submit" primary loading={busy} disabled={busy}>
          Log in
        </Button>
        {session.dhis2Login && (
          <p style={{ fontSize: 13 }}>
            Users of {session.dhis2Login} may log in with their DHIS2 account.
          </p>
        )}
      </form>
    </div>
  );
}
