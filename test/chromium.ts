import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run), headless, quiet: nothing of its own goes to the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
