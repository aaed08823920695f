// Drives headless Chromium (Debian's, through playwright-core) as a visitor: opens a publisher page of an origin
// CORS_ALLOWED_ORIGINS does not list, leaves it, opens one of an allowed origin, leaves it, and prints what each page
// saw as one JSON line: {"refused": {...}, "allowed": {...}, "preflights": [...]}. Then keeps the browser open until
// stdin closes, so that the beacons sent on leaving are not cut off: the test closes stdin once it found them.
//
// Usage: node drive-chromium.cjs <chromium binary> <profile dir> <refused page URL> <allowed page URL>
'use strict';

const {chromium} = require('playwright-core');

const [executablePath, profileDir, refusedPageUrl, allowedPageUrl] = process.argv.slice(2);
const PAGE_TIMEOUT_MS = 30000;

async function visit(context, url, preflights) {
  const page = await context.newPage();
  // Chromium reports CORS preflights through the DevTools protocol only; Playwright's request events leave them out.
  const devtools = await context.newCDPSession(page);
  await devtools.send('Network.enable');
  devtools.on('Network.requestWillBeSent', event => {
    if (event.request.method === 'OPTIONS') {
      preflights.push(event.request.url);
    }
  });
  await page.goto(url);
  await page.waitForFunction(() => window.adtrack && window.adtrack.ready, null, {timeout: PAGE_TIMEOUT_MS});
  const results = await page.evaluate(() => window.adtrack.results);
  // Leaving fires pagehide: the page sends its beacon now.
  await page.goto('about:blank');
  return results;
}

async function main() {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const preflights = [];
    const refused = await visit(context, refusedPageUrl, preflights);
    const allowed = await visit(context, allowedPageUrl, preflights);
    process.stdout.write(JSON.stringify({refused, allowed, preflights}) + '\n');
    await new Promise(resolve => {
      process.stdin.on('end', resolve);
      process.stdin.resume();
    });
  } finally {
    await context.close();
  }
}

main().catch(error => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
