import { type Html, html, raw } from './html.ts';

export type Section = 'jobs' | 'runs' | 'mapping' | 'transition';

export interface PageFrame {
  readonly title: string;
  readonly section: Section | undefined;
  /** Who is logged in; the login page has no one. */
  readonly user: string | undefined;
  readonly csrf: string;
  /** The configuration file's name, so an administrator with several sees which t2a this is. */
  readonly instance: string;
}

const SECTIONS: readonly [Section, string][] = [
  ['jobs', 'Jobs'],
  ['runs', 'Runs'],
  ['mapping', 'Mapping'],
  ['transition', 'Transition'],
];

/** A form that changes something: POST, with the session's CSRF token. */
export function postForm(frame: PageFrame, action: string, body: Html, attributes = ''): Html {
  return html`<form method="post" action="${action}" ${raw(attributes)}><input type="hidden" name="_csrf" value="${frame.csrf}">${body}</form>`;
}

/** Every page: the DHIS2-style header bar, the sections, and the page's content. */
export function page(frame: PageFrame, content: Html): Html {
  const nav = frame.user
    ? html`<nav aria-label="Sections"><ul>${SECTIONS.map(
        ([id, label]) =>
          html`<li><a href="/${id}"${id === frame.section ? html` aria-current="page"` : ''}>${label}</a></li>`,
      )}</ul></nav>
      <div class="user"><span>${frame.user}</span>${postForm(frame, '/logout', html`<button type="submit" class="link">Log out</button>`)}</div>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title} · t2a</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/style.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="headerbar">
  <a class="brand" href="/jobs"><span class="mark" aria-hidden="true">t2a</span> Tracker to aggregate</a>
  <span class="instance">${frame.instance}</span>
  ${nav}
</header>
<main id="main" tabindex="-1">
<h1>${frame.title}</h1>
${content}
</main>
</body>
</html>`;
}
