import { colors, spacers } from '@dhis2/ui';

/**
 * What inline styles cannot say: narrow screens (media queries), focus rings, and one fix to @dhis2/ui,
 * whose DataTableColumnHeader keeps its heading left even when told `align="right"` (its flex row has
 * no justify-content; 10.14): numeric headings stand over their numbers.
 */
const CSS = `
th.t2a-numeric span.top { justify-content: flex-end; }
th.t2a-numeric { text-align: right; }
.t2a-scroll { overflow-x: auto; max-width: 100%; }
.t2a-nowrap th, .t2a-nowrap td { white-space: nowrap; }
.t2a-tabs { display: flex; overflow-x: auto; background: ${colors.white}; border-bottom: 1px solid ${colors.grey300}; }
.t2a-tabs a { padding: ${spacers.dp12} ${spacers.dp16}; color: ${colors.grey700}; text-decoration: none;
  border-bottom: 3px solid transparent; white-space: nowrap; font-size: 14px; }
.t2a-tabs a:hover { background: ${colors.grey100}; color: ${colors.grey900}; }
.t2a-tabs a[aria-current="page"] { color: ${colors.blue800}; border-bottom-color: ${colors.blue700}; }
.t2a-tabs a:focus-visible { outline: 3px solid ${colors.blue600}; outline-offset: -3px; }
.t2a-main { max-width: 1280px; margin: 0 auto; padding: ${spacers.dp24}; }
.t2a-wrap { overflow-wrap: anywhere; }
button.t2a-explain { font: inherit; color: ${colors.blue700}; background: none; border: 0; padding: 0;
  text-decoration: underline dotted; cursor: pointer; }
button.t2a-explain:focus-visible { outline: 3px solid ${colors.blue600}; outline-offset: 1px; }
dl.t2a-chain { display: grid; grid-template-columns: max-content 1fr; gap: ${spacers.dp4} ${spacers.dp12}; margin: 0; }
dl.t2a-chain dd { margin: 0; }
ul.t2a-records { margin: 0; padding-left: ${spacers.dp16}; max-height: 40vh; overflow-y: auto; }
@media (max-width: 600px) {
  dl.t2a-chain { grid-template-columns: 1fr; }
  /* @dhis2/ui's Modal pads its content 24 px (10.14): on a phone the explanation needs the width. */
  aside.t2a-explain-modal > div { padding: ${spacers.dp12} !important; }
  .t2a-main { padding: ${spacers.dp12}; }
  .t2a-subtitle { display: none; }
}
`;

/** Adds the stylesheet under the page's CSP nonce (the one styled-jsx reads for @dhis2/ui's own styles). */
export function addStyles(): void {
  const nonce = document.querySelector('meta[property="csp-nonce"]')?.getAttribute('content');
  const style = document.createElement('style');
  if (nonce) style.setAttribute('nonce', nonce);
  style.textContent = CSS;
  document.head.append(style);
}
