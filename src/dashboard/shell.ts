import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { T2aError } from '../core/errors.ts';

/**
 * The page the browser loads for every address of the dashboard: an empty body and the bundled script
 * (React and @dhis2/ui, built by scripts/build-dashboard.js). styled-jsx, which @dhis2/ui styles with,
 * reads the nonce from the `csp-nonce` meta tag, so only its own style elements are allowed. The nonce is
 * new for every page and base64, so it goes into the page as it is.
 */
export function shellPage(): { readonly page: string; readonly policy: string } {
  const nonce = randomBytes(16).toString('base64');
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="csp-nonce" content="${nonce}">
<title>t2a</title>
<link rel="icon" href="data:,">
<script src="/assets/app.js" defer></script>
</head>
<body>
<div id="root"></div>
<noscript>The t2a dashboard needs JavaScript; the command line (t2a history, t2a show) works without.</noscript>
</body>
</html>`;
  return { page, policy: policy(nonce) };
}

const policy = (nonce: string): string =>
  `default-src 'self'; script-src 'self'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'`;

// Two levels below the package root both in src/ and in dist/.
const BUNDLE = new URL('../../dist/dashboard/assets/app.js', import.meta.url);

/** The built page script; a clear error when the build has not made it. */
export function readBundle(): string {
  try {
    return readFileSync(BUNDLE, 'utf8');
  } catch {
    throw new T2aError('config', `The dashboard's page script ${BUNDLE.pathname} is missing.`, {
      fix: 'Build t2a first: npm run build (npm ci runs it).',
    });
  }
}
