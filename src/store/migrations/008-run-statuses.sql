-- One vocabulary for runs (src/core/vocabulary.ts): a run that finished with values missing is
-- "incomplete" (it was "conflicts", although most such values are withheld, not refused); a run that
-- did not start because another held the job's lock is "busy", no longer "failed".
UPDATE runs SET status = 'incomplete' WHERE status = 'conflicts';
UPDATE runs SET status = 'busy' WHERE status = 'failed' AND error LIKE '%is already running%this run did not start.';
