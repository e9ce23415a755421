import { type Html, html } from '../html.ts';
import { notice } from './parts.ts';

/** The login form: user name and password, with the reason of a failed attempt. */
export function loginPage(
  csrf: string,
  next: string,
  options: { error?: string; dhis2?: string; username?: string },
): Html {
  return html`<div class="login">${options.error ? notice('error', 'Not logged in', options.error) : ''}
<form method="post" action="/login">
<input type="hidden" name="_csrf" value="${csrf}">
<input type="hidden" name="next" value="${next}">
<div class="field"><label for="username">User name</label><input id="username" name="username" autocomplete="username" value="${options.username ?? ''}" required${options.username ? '' : html` autofocus`}></div>
<div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required${options.username ? html` autofocus` : ''}></div>
<button type="submit" class="primary">Log in</button>
${options.dhis2 ? html`<p><small>Users of ${options.dhis2} may log in with their DHIS2 account.</small></p>` : ''}
</form></div>`;
}
