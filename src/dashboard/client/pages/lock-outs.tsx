import { Button, colors, NoticeBox, spacers } from '@dhis2/ui';
import { useState } from 'react';
import type { LockOut } from '../../api-types.ts';
import { getJson, postJson } from '../api.ts';
import { card, Failure } from '../parts.tsx';
import { useAnswer } from '../router.ts';
import { when } from '../words.ts';

/**
 * User names locked out after five failed logins, each with the moment its lock-out ends by itself and
 * a button to end it now: a colleague who mistyped need not wait, nor t2a serve be restarted. Shown only
 * while there is one.
 */
export function LockOuts() {
  const lockOuts = useAnswer(() => getJson<LockOut[]>('/api/lockouts'), []);
  const [cleared, setCleared] = useState<string>();
  const [error, setError] = useState<string>();
  const clear = async (username: string) => {
    try {
      await postJson(`/api/lockouts/${encodeURIComponent(username)}/clear`);
      setCleared(username);
      lockOuts.reload();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  const list = lockOuts.value ?? [];
  return (
    <>
      {cleared && (
        <div role="status" style={{ marginBottom: spacers.dp16 }}>
          <NoticeBox valid title={`${cleared} may log in again`}>
            The lock-out is cleared; the next wrong passwords count from zero.
          </NoticeBox>
        </div>
      )}
      {error && <Failure title="The lock-out was not cleared" error={error} />}
      {list.length > 0 && (
        <section style={card} aria-labelledby="lock-outs" data-test="lock-outs">
          <h2 id="lock-outs" style={{ fontSize: 18, fontWeight: 500, marginTop: 0 }}>
            Locked out of the dashboard
          </h2>
          <p style={{ color: colors.grey800 }}>
            After five failed logins a user name is refused until its lock-out ends. Clear it when
            you know who mistyped; if you do not, someone may be guessing passwords.
          </p>
          <ul style={{ margin: 0, paddingLeft: spacers.dp16 }}>
            {list.map((lockOut) => (
              <li key={lockOut.username} style={{ marginBottom: spacers.dp8 }}>
                <strong>{lockOut.username}</strong>, until {when(lockOut.until)}{' '}
                <Button small onClick={() => clear(lockOut.username)}>
                  {`Clear the lock-out of ${lockOut.username}`}
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
