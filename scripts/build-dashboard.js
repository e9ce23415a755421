// Bundles the dashboard's page (React and DHIS2's @dhis2/ui) into one script served by `t2a serve`:
// nothing is fetched from elsewhere at run time. The licences of what is bundled go beside it.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../src/dashboard/client/main.tsx', import.meta.url).pathname],
  outfile: new URL('../dist/dashboard/assets/app.js', import.meta.url).pathname,
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome109', 'firefox115', 'safari15'],
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'external',
  logLevel: 'warning',
});
