/**
 * The dashboard's stylesheet and script, served from /assets (nothing is fetched from elsewhere).
 *
 * The look is DHIS2's: the values below are @dhis2/ui's design tokens (@dhis2/ui-constants 10.14:
 * colors, spacers, elevations, theme.fonts) and its header bar's colour, and test/dashboard/tokens.test.ts
 * checks each against the library. The pages are server-rendered HTML rather than the @dhis2/ui React
 * components (docs/decisions/0010-a-dashboard-of-plain-pages.md says why).
 */
export const TOKENS: Readonly<Record<string, string>> = {
  'colors-blue900': '#093371',
  'colors-blue800': '#0d47a1',
  'colors-blue700': '#1565c0',
  'colors-blue600': '#147cd7',
  'colors-blue100': '#e3f2fd',
  'colors-blue050': '#f5fbff',
  'colors-red800': '#891515',
  'colors-red700': '#b71c1c',
  'colors-red100': '#ffe5e8',
  'colors-red050': '#fff5f6',
  'colors-yellow900': '#6f3205',
  'colors-yellow500': '#ff9302',
  'colors-yellow100': '#ffecb3',
  'colors-yellow050': '#fff8e1',
  'colors-green800': '#1b5e20',
  'colors-green600': '#388e3c',
  'colors-green100': '#e8f5e9',
  'colors-grey900': '#212934',
  'colors-grey800': '#404b5a',
  'colors-grey700': '#4a5768',
  'colors-grey600': '#6C7787',
  'colors-grey500': '#a0adba',
  'colors-grey400': '#d5dde5',
  'colors-grey300': '#e8edf2',
  'colors-grey200': '#f3f5f7',
  'colors-grey100': '#f8f9fa',
  'colors-white': '#ffffff',
  'spacers-dp4': '4px',
  'spacers-dp8': '8px',
  'spacers-dp12': '12px',
  'spacers-dp16': '16px',
  'spacers-dp24': '24px',
  'spacers-dp32': '32px',
  'elevations-e100': '0px 1px 2px rgba(33,41,52,0.06), 0px 1px 3px rgba(33,41,52,0.1)',
  'theme-fonts': 'Roboto, sans-serif',
  'theme-focus': '#147cd7',
};

/** @dhis2-ui/header-bar's background (a literal there, not a token). */
const HEADER_BAR = '#2c6693';

const variables = Object.entries(TOKENS)
  .map(([name, value]) => `--${name}:${value};`)
  .join('');

export const STYLESHEET = `:root{${variables}--headerbar:${HEADER_BAR};}
*,*::before,*::after{box-sizing:border-box;font-family:var(--theme-fonts)}
body{margin:0;background:var(--colors-grey200);color:var(--colors-grey900);font-size:14px;line-height:1.45}
a{color:var(--colors-blue700)}
:focus-visible{outline:3px solid var(--theme-focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--colors-white);padding:var(--spacers-dp8)}
.skip:focus{left:var(--spacers-dp8);z-index:10}
.headerbar{display:flex;align-items:center;gap:var(--spacers-dp16);min-height:48px;padding:0 var(--spacers-dp16);background:var(--headerbar);color:var(--colors-white)}
.headerbar a{color:var(--colors-white);text-decoration:none}
.brand{font-weight:500;font-size:15px}
.mark{display:inline-block;background:var(--colors-white);color:var(--headerbar);border-radius:4px;padding:0 6px;margin-right:6px;font-weight:700}
.instance{color:var(--colors-blue100);font-size:13px}
.headerbar nav ul{display:flex;gap:var(--spacers-dp4);list-style:none;margin:0;padding:0}
.headerbar nav a{display:block;padding:14px var(--spacers-dp12);border-bottom:3px solid transparent}
.headerbar nav a[aria-current=page]{border-bottom-color:var(--colors-white);font-weight:500}
.headerbar nav a:hover{background:rgba(255,255,255,.1)}
.user{margin-left:auto;display:flex;align-items:center;gap:var(--spacers-dp8)}
.user form{display:inline}
button.link{background:none;border:none;color:var(--colors-white);text-decoration:underline;cursor:pointer;padding:0;height:auto;font-size:14px}
main{max-width:1280px;margin:0 auto;padding:var(--spacers-dp24)}
main:focus{outline:none}
h1{font-size:22px;font-weight:500;margin:0 0 var(--spacers-dp16)}
h2{font-size:18px;font-weight:500;margin:var(--spacers-dp24) 0 var(--spacers-dp8)}
h3{font-size:15px;font-weight:500;margin:var(--spacers-dp16) 0 var(--spacers-dp8)}
h4{font-size:14px;font-weight:500;margin:0 0 var(--spacers-dp4)}
.card,.issue,table.data,.notice,.login{background:var(--colors-white);box-shadow:var(--elevations-e100);border-radius:4px}
.card{padding:var(--spacers-dp16);margin-bottom:var(--spacers-dp16)}
table.data{border-collapse:collapse;width:100%;margin:var(--spacers-dp8) 0 var(--spacers-dp16)}
table.data caption{text-align:left;font-weight:500;padding:var(--spacers-dp8) 0;color:var(--colors-grey800)}
table.data th,table.data td{border:1px solid var(--colors-grey300);padding:var(--spacers-dp8) var(--spacers-dp12);text-align:left;vertical-align:top}
table.data th{background:var(--colors-grey100);font-weight:500;color:var(--colors-grey800)}
table.data tbody tr:hover{background:var(--colors-blue050)}
.n{text-align:right!important;font-variant-numeric:tabular-nums}
button,.button{display:inline-flex;align-items:center;height:36px;padding:0 var(--spacers-dp12);border-radius:4px;border:1px solid var(--colors-grey500);background:linear-gradient(180deg,#fff,var(--colors-grey100));color:var(--colors-grey900);font-size:14px;cursor:pointer;text-decoration:none}
button:hover,.button:hover{background:var(--colors-grey200)}
button.primary{background:linear-gradient(180deg,#1565c0,#0650a3);border-color:var(--colors-blue800);color:var(--colors-white);font-weight:500}
button.primary:hover{background:var(--colors-blue800)}
button.destructive{background:var(--colors-red700);border-color:var(--colors-red800);color:var(--colors-white)}
input,select{height:36px;padding:0 var(--spacers-dp8);border:1px solid var(--colors-grey500);border-radius:3px;font-size:14px;background:var(--colors-white)}
input[type=file]{padding:6px}
label{color:var(--colors-grey800)}
.field{display:flex;flex-direction:column;gap:var(--spacers-dp4);margin-bottom:var(--spacers-dp12)}
.filters,.actions{display:flex;gap:var(--spacers-dp12);align-items:flex-end;flex-wrap:wrap;margin-bottom:var(--spacers-dp12)}
.filters label{display:flex;flex-direction:column;gap:var(--spacers-dp4)}
.tag{display:inline-block;border-radius:3px;padding:1px 6px;font-size:13px;font-weight:500;background:var(--colors-grey300);color:var(--colors-grey900)}
.tag-positive{background:var(--colors-green100);color:var(--colors-green800)}
.tag-negative{background:var(--colors-red100);color:var(--colors-red800)}
.tag-warning{background:var(--colors-yellow100);color:var(--colors-yellow900)}
.tag-neutral{background:var(--colors-blue100);color:var(--colors-blue900)}
.notice{border-left:4px solid var(--colors-blue600);padding:var(--spacers-dp12) var(--spacers-dp16);margin:var(--spacers-dp8) 0 var(--spacers-dp16);background:var(--colors-blue050)}
.notice-error{border-color:var(--colors-red700);background:var(--colors-red050)}
.notice-warning{border-color:var(--colors-yellow500);background:var(--colors-yellow050)}
.notice-valid{border-color:var(--colors-green600);background:var(--colors-green100)}
.issue{padding:var(--spacers-dp12) var(--spacers-dp16);margin-bottom:var(--spacers-dp12);border-left:4px solid var(--colors-yellow500)}
.issue .count{color:var(--colors-grey700)}
.issue p{margin:var(--spacers-dp4) 0}
.objects,.message{color:var(--colors-grey800);font-size:13px;word-break:break-word}
.meta{display:flex;gap:var(--spacers-dp8);align-items:center;flex-wrap:wrap;color:var(--colors-grey800)}
.progress{display:flex;gap:var(--spacers-dp12);align-items:center;margin:var(--spacers-dp16) 0}
progress{width:320px;height:12px}
.jobs{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:var(--spacers-dp16)}
.job dl{display:grid;grid-template-columns:max-content 1fr;gap:var(--spacers-dp4) var(--spacers-dp16);margin:0 0 var(--spacers-dp12)}
.job dt{color:var(--colors-grey700)}
.job dd{margin:0}
.login{max-width:380px;margin:64px auto;padding:var(--spacers-dp24)}
.samples{font-size:13px;color:var(--colors-grey800)}
.finding-error{color:var(--colors-red700)}
.finding-warning{color:var(--colors-yellow900)}
iframe.report{width:100%;height:1400px;border:1px solid var(--colors-grey300);background:var(--colors-white)}
`;

/**
 * The one script: a running run's progress, heard through server-sent events; the page reloads once the
 * run is over, to show what the history recorded. Everything else works without it.
 */
export const SCRIPT = `(() => {
  const box = document.querySelector('[data-live-run]');
  if (!box || !window.EventSource) return;
  const bar = box.querySelector('progress');
  const text = box.querySelector('.progress-text');
  const events = new EventSource(box.getAttribute('data-live-run'));
  events.addEventListener('progress', (event) => {
    const { done, total } = JSON.parse(event.data);
    bar.max = total || 1;
    bar.value = done;
    text.textContent = done + ' of ' + total + ' chunks';
  });
  events.addEventListener('finished', () => {
    events.close();
    window.location.reload();
  });
})();
`;
