import { NoticeBox } from '@dhis2/ui';

/** An address that is no page of the dashboard: said so, with the way back, never another page instead. */
export function NotFoundPage({ url }: { readonly url: URL }) {
  return (
    <div data-test="not-found">
      <NoticeBox warning title="No such page">
        The dashboard has no page at <code className="t2a-wrap">{url.pathname}</code>. Its pages are{' '}
        <a href="/jobs">Jobs</a>, <a href="/runs">Runs</a>, <a href="/mapping">Mapping</a> and{' '}
        <a href="/transition">Transition</a>; a run's page is /runs/ and its id.
      </NoticeBox>
    </div>
  );
}
