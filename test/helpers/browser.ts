// Headless Chromium (Debian's `chromium`) for tests of the pages we write: a screenshot, and the DOM after the page's
// scripts ran. Each run gets a profile of its own, so tests running at once do not share one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { tempDir } from './tmp.js';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome'];

/** The browser to use: $CHROMIUM, or the first of the usual names on PATH; undefined when there is none. */
export async function findBrowser(): Promise<string | undefined> {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of CANDIDATES) {
    const found = await execa('which', [name], { reject: false });
    if (found.exitCode === 0) return found.stdout.trim();
  }
  return undefined;
}

const profiles = tempDir('modelctl-chromium-');
let runs = 0;

function chromium(browser: string, args: string[]) {
  const profile = join(profiles, String((runs += 1)));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run'];
  return execa(browser, [...flags, `--user-data-dir=${profile}`, ...args], { timeout: 60_000 });
}

export async function screenshot(browser: string, page: string, png: string, width: number, height: number) {
  await chromium(browser, [`--screenshot=${png}`, `--window-size=${width},${height}`, `file://${page}`]);
}

/**
 * The page as the browser laid it out: `script` (JavaScript) runs at the end of the body, and what it writes to
 * `<pre id="measured">` as text comes back.
 */
export async function runInPage(browser: string, page: string, html: string, script: string, width: number) {
  const run = `document.getElementById('measured').textContent = (() => {${script}})();`;
  writeFileSync(page, html.replace('</body>', `<pre id="measured"></pre><script>${run}</script></body>`));
  const { stdout } = await chromium(browser, ['--dump-dom', `--window-size=${width},800`, `file://${page}`]);
  const text = /<pre id="measured">([\s\S]*?)<\/pre>/.exec(stdout)?.[1];
  if (text === undefined) throw new Error(`the page did not run its script:\n${stdout.slice(0, 2000)}`);
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
}
