/**
 * Browser tests drive Debian's Chromium through playwright-core: Playwright cannot download its own
 * browsers on these machines. Helpers for what every page test checks: accessibility (axe-core),
 * screenshots a reviewer can open, and how many bytes of HTML, CSS and JS a page costs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { AxeResults } from 'axe-core';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContextOptions, Page, Response } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(options: { executablePath?: string } = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? chromiumPath;
  if (!existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: install Debian's chromium package (.ci/run does) or pass executablePath`);
  }
  return chromium.launch({ executablePath, args: [...chromiumArgs] });
}

/** A phone held upright (an iPhone 14's CSS viewport): the verification page is opened from a QR code. */
export const phone: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

export const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

export interface AccessibilityViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  /** One selector path per offending node. */
  readonly targets: readonly string[];
}

const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const blockingImpacts = ['serious', 'critical'];

let axeSource: Promise<string> | undefined;

/** axe-core's serious and critical findings on the page as it is now (WCAG 2.1 A/AA and best practice). */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated rather than added as a <script>: the pages under test forbid inline scripts by CSP, and
  // bypassing their CSP would test a different page.
  await page.evaluate(await axeSource);
  // Runs in the page: it may use nothing from this module but its argument.
  return page.evaluate(async ({ tags, impacts }) => {
    const scope = globalThis as unknown as {
      axe: { run(context: unknown, options: unknown): Promise<Pick<AxeResults, 'violations'>> };
      document: unknown;
    };
    const { violations } = await scope.axe.run(scope.document, { runOnly: { type: 'tag', values: tags } });
    return violations
      .filter((v) => impacts.includes(v.impact ?? ''))
      .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.flat().join(' ')) }));
  }, { tags: axeTags, impacts: blockingImpacts });
}

const screenshotDir = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/** A full-page PNG at `test-results/screenshots/<name>.png`; returns its absolute path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w-]+$/.test(name)) throw new Error(`Screenshot names are letters, digits, - and _: ${name}`);
  await mkdir(screenshotDir, { recursive: true });
  const path = `${screenshotDir}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface PageResource {
  readonly url: string;
  readonly type: 'document' | 'stylesheet' | 'script';
  /** The body as the browser decoded it (after any content encoding). */
  readonly bytes: number;
}

export interface PageBytes {
  readonly html: number;
  readonly css: number;
  readonly js: number;
  /** HTML + CSS + JS. */
  readonly total: number;
  readonly resources: readonly PageResource[];
}

const counted = new Set<string>(['document', 'stylesheet', 'script']);

/**
 * Counts the documents (frames included), stylesheets and scripts the page loads from now on: call it
 * before `page.goto`, then `read()` once the page has loaded. Redirects carry no body and are skipped.
 */
export function recordPageBytes(page: Page): { read(): Promise<PageBytes> } {
  // Bodies are fetched as responses arrive, while the browser still holds them; a failure waits for `read`.
  const pending: Promise<PageResource | Error>[] = [];
  page.on('response', (response: Response) => {
    const type = response.request().resourceType();
    if (!counted.has(type) || (response.status() >= 300 && response.status() < 400)) return;
    pending.push(
      response.body().then(
        (body) => ({ url: response.url(), type: type as PageResource['type'], bytes: body.byteLength }),
        (error: unknown) => new Error(`No body for ${response.url()}`, { cause: error }),
      ),
    );
  });
  return {
    async read() {
      const settled = await Promise.all(pending);
      const failure = settled.find((r) => r instanceof Error);
      if (failure) throw failure;
      const resources = settled as PageResource[];
      const sum = (type: PageResource['type']) => resources.filter((r) => r.type === type).reduce((bytes, r) => bytes + r.bytes, 0);
      const [html, css, js] = [sum('document'), sum('stylesheet'), sum('script')];
      return { html, css, js, total: html + css + js, resources };
    },
  };
}
