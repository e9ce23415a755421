import { Button } from '@dhis2/ui';
import { useState } from 'react';
import type { Outcome } from '../api-types.ts';
import { postJson } from './api.ts';
import { Failure, failureText } from './parts.tsx';

/**
 * Stops a run started from this dashboard between chunks: the chunks under way finish, no other starts,
 * and the history records it as abandoned (the next run resumes).
 */
export function CancelButton({
  runId,
  onCancelled,
}: {
  readonly runId: string;
  readonly onCancelled: () => void;
}) {
  const [asked, setAsked] = useState(false);
  const [refused, setRefused] = useState<string>();
  const cancel = async () => {
    setAsked(true);
    const answer = await postJson<Outcome<object>>(
      `/api/runs/${encodeURIComponent(runId)}/cancel`,
    ).catch((error: Error) => ({ ok: false as const, error: error.message }));
    if (answer.ok) onCancelled();
    else {
      setRefused(failureText(answer));
      setAsked(false);
    }
  };
  return (
    <>
      {refused && <Failure title="The run was not cancelled" error={refused} />}
      <Button destructive secondary onClick={cancel} disabled={asked} loading={asked}>
        {asked ? 'Stopping between chunks…' : 'Cancel the run'}
      </Button>
    </>
  );
}
