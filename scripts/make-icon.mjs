// Renders media/icon.svg to media/icon.png (128 × 128, what the Marketplace and the Extensions
// view show; they do not take SVG icons). Uses the headless Chromium the end-to-end tests drive,
// so no image library is needed. Run it after changing the SVG and commit both files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot, tools } from './lib/tools.mjs';

const svg = readFileSync(join(repoRoot, 'media/icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: tools.chromium, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: join(repoRoot, 'media/icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
console.log('wrote media/icon.png');
