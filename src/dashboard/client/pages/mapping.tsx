import { Button, CheckboxField, colors, FileInputField, NoticeBox, spacers, Tag } from '@dhis2/ui';
import { type FormEvent, useState } from 'react';
import type { Finding } from '../../../core/finding.ts';
import type { MappingState, MappingUpload } from '../../api-types.ts';

type MappingFileState = NonNullable<MappingState['mappingFile']>;

import { getJson, postForm } from '../api.ts';
import { card, Failure, failureText, JobChooser, Section, Table, useChosenJob } from '../parts.tsx';
import { useAnswer } from '../router.ts';

function Findings({ findings }: { readonly findings: readonly Finding[] }) {
  if (findings.length === 0) return <Tag positive>ok</Tag>;
  return (
    <>
      {findings.map((finding) => (
        <p
          key={finding.message}
          style={{
            margin: `0 0 ${spacers.dp4}`,
            color: finding.severity === 'error' ? colors.red700 : colors.grey800,
          }}
        >
          <strong>{finding.severity}:</strong> {finding.message}
          <br />
          <small>Fix: {finding.fix}</small>
        </p>
      ))}
    </>
  );
}

function UploadOutcome({ answer }: { readonly answer: MappingUpload }) {
  if (!answer.ok) return <Failure title="The file was refused" error={failureText(answer)} />;
  const { applied } = answer;
  if (applied.refused.length > 0)
    return (
      <div role="alert">
        <NoticeBox error title="The mapping was refused: nothing was written">
          These codes do not fit the target:
          <ul>
            {applied.refused.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </NoticeBox>
      </div>
    );
  if (applied.changes.length === 0)
    return <NoticeBox title="No changes">The indicators already carry these codes.</NoticeBox>;
  const changes = (
    <ul>
      {applied.changes.map((c) => (
        <li
          key={`${c.programIndicator}${c.field}`}
        >{`${c.name} (${c.programIndicator}): ${c.field} "${c.from}" → "${c.to}"`}</li>
      ))}
    </ul>
  );
  return (
    <div role="status">
      {applied.dryRun ? (
        <NoticeBox title={`Checked: ${applied.changes.length} change(s) would be written`}>
          {changes}
        </NoticeBox>
      ) : (
        <NoticeBox valid title={`${applied.written} program indicator(s) updated`}>
          {changes}
        </NoticeBox>
      )}
    </div>
  );
}

function Upload({ job, onDone }: { readonly job: string; readonly onDone: () => void }) {
  const [file, setFile] = useState<File>();
  const [apply, setApply] = useState(false);
  const [answer, setAnswer] = useState<MappingUpload>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const form = new FormData();
    if (file) form.set('file', file);
    form.set('apply', String(apply));
    setBusy(true);
    const result = await postForm<MappingUpload>(
      `/api/mapping/${encodeURIComponent(job)}`,
      form,
    ).catch((e: Error) => ({ ok: false as const, error: e.message }));
    setAnswer(result);
    setBusy(false);
    if (result.ok && result.applied.written > 0) onDone();
  };
  return (
    <section style={card} aria-label="Mapping CSV">
      <h2 style={{ fontSize: 18, fontWeight: 500, marginTop: 0 }}>Mapping CSV</h2>
      <p>
        The same file as <code>t2a mapping export</code> and <code>t2a mapping apply</code>: edit
        the codes, upload it, and t2a checks every code against the target before it writes
        anything.
      </p>
      <p>
        <a href={`/api/mapping/${encodeURIComponent(job)}/csv`} download>
          Download the mapping CSV
        </a>
      </p>
      <form onSubmit={submit}>
        <FileInputField
          label="Edited mapping CSV"
          name="file"
          accept=".csv,text/csv"
          buttonLabel="Choose a CSV file"
          placeholder={file ? file.name : 'No file chosen'}
          onChange={({ files }) => setFile(files?.[0] ?? undefined)}
        />
        <CheckboxField
          label="Write the changes (otherwise only checked)"
          checked={apply}
          onChange={({ checked }) => setApply(checked)}
        />
        <div style={{ marginTop: spacers.dp12 }}>
          <Button type="submit" primary disabled={busy || !file} loading={busy}>
            Upload
          </Button>
        </div>
      </form>
      {answer && (
        <div style={{ marginTop: spacers.dp16 }}>
          <UploadOutcome answer={answer} />
        </div>
      )}
    </section>
  );
}

/** The job's mapping file: where it is, what it makes, and its text (`t2a mapping generate` reads it). */
function MappingFile({ job, file }: { readonly job: string; readonly file: MappingFileState }) {
  return (
    <section style={card} aria-label="Mapping file">
      <h2 style={{ fontSize: 18, fontWeight: 500, marginTop: 0 }}>Mapping file</h2>
      <p>
        <code>{file.path}</code>
      </p>
      {'problem' in file ? (
        <NoticeBox error title="The mapping file cannot be read">
          <pre style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{file.problem}</pre>
        </NoticeBox>
      ) : (
        <>
          <p>
            {file.families} data element(s) split by its category mappings. The indicators it made
            have codes starting <code>T2A_{file.key.toUpperCase()}_</code>: change the file, not
            them, and run <code>t2a mapping generate --job {job} --dry-run</code>, then without{' '}
            <code>--dry-run</code>.
          </p>
          <details>
            <summary>The file</summary>
            <pre data-test="mapping-file" style={{ overflowX: 'auto', fontSize: 13 }}>
              {file.text}
            </pre>
          </details>
        </>
      )}
    </section>
  );
}

/** A job's indicators with their data element and combos, the findings beside them, and the CSV both ways. */
export function MappingPage({ url }: { readonly url: URL }) {
  const { jobs, job } = useChosenJob(url);
  const mapping = useAnswer(
    () =>
      job
        ? getJson<MappingState>(`/api/mapping/${encodeURIComponent(job)}`)
        : Promise.resolve(undefined),
    [job],
  );
  if (!job)
    return jobs.error ? (
      <Failure title="The jobs could not be read" error={jobs.error} />
    ) : (
      <p>Reading the jobs…</p>
    );
  const byIndicator = new Map<string, Finding[]>();
  const general: Finding[] = [];
  for (const finding of mapping.value?.findings ?? []) {
    const id = finding.programIndicator?.id;
    if (id) byIndicator.set(id, [...(byIndicator.get(id) ?? []), finding]);
    else general.push(finding);
  }
  const coded = (code: string, name: string) =>
    code ? (
      <span title={code}>
        {name || code} <code>{code}</code>
      </span>
    ) : (
      <em>—</em>
    );
  return (
    <>
      <JobChooser jobs={jobs.value ?? []} job={job} path="/mapping" />
      {mapping.value?.mappingFile && <MappingFile job={job} file={mapping.value.mappingFile} />}
      <Upload job={job} onDone={mapping.reload} />
      {mapping.error && <Failure title="The mapping could not be read" error={mapping.error} />}
      {general.length > 0 && (
        <Section title="Findings for the whole job">
          <Findings findings={general} />
        </Section>
      )}
      {mapping.value && (
        <Table
          label={`${mapping.value.rows.length} program indicator(s) of job ${job}`}
          dataTest="mapping"
          wrap
          headers={[
            'Program indicator',
            'Data element',
            'Category option combo',
            'Attribute option combo',
            'Validation',
          ]}
          rows={mapping.value.rows.map((row) => [
            <span key="indicator">
              <span title={row.programIndicator}>{row.programIndicatorName}</span>
              <br />
              <small>
                <code>{row.programIndicator}</code>
              </small>
              {row.disaggregation && (
                <>
                  <br />
                  <small data-test="disaggregated">
                    Disaggregated in DHIS2: {row.disaggregation} — edit it there, not here
                  </small>
                </>
              )}
            </span>,
            coded(row.dataElement, row.dataElementName),
            coded(row.categoryOptionCombo, row.categoryOptionComboName),
            coded(row.attributeOptionCombo, row.attributeOptionComboName),
            <Findings key="findings" findings={byIndicator.get(row.programIndicator) ?? []} />,
          ])}
        />
      )}
    </>
  );
}
