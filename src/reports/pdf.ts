import { existsSync } from 'node:fs';
import type { Browser, BrowserType } from 'playwright-core';

/**
 * Prints an HTML document (e.g. `renderPolicyHtml()`) to an A4 PDF with the system's Chromium,
 * driven through playwright-core. Chromium is not bundled: Haven uses Debian's package
 * (`apt-get install -y chromium`), or the executable named by `HAVEN_CHROMIUM`.
 *
 * The page is offline: the documents Haven prints carry their style sheet inline and load
 * nothing, and Chromium runs with background networking switched off.
 */

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export interface RenderPdfOptions {
  /** The Chromium executable; default `HAVEN_CHROMIUM`, then `/usr/bin/chromium`. */
  readonly executablePath?: string;
}

/** Chromium (or playwright-core) is not there: the API answers 503 with this message. */
export class ChromiumUnavailableError extends Error {
  readonly executablePath: string;
  constructor(executablePath: string, detail: string) {
    super(
      `Chromium is needed to print PDF documents, but ${detail}. ` +
        'Install it on the Haven server with "apt-get install -y chromium" (Debian or Ubuntu, as root), ' +
        'or set HAVEN_CHROMIUM to the path of a Chromium or Google Chrome executable.',
    );
    this.name = 'ChromiumUnavailableError';
    this.executablePath = executablePath;
  }
}

/** The executable `renderPdf` would use: the option, then `HAVEN_CHROMIUM`, then Debian's path. */
export function chromiumExecutablePath(options: RenderPdfOptions = {}): string {
  const fromEnv = process.env.HAVEN_CHROMIUM;
  return options.executablePath ?? (fromEnv ? fromEnv : DEFAULT_CHROMIUM_PATH);
}

/** Page numbers in the bottom margin; Chromium fills in `title`, `pageNumber` and `totalPages`. */
const FOOTER_TEMPLATE = `<div style="width: 100%; margin: 0 13mm; display: flex; justify-content: space-between; gap: 8mm; font-family: 'Liberation Sans', Arial, Helvetica, sans-serif; font-size: 7.5pt; color: #262626;">
  <span class="title" style="overflow: hidden; white-space: nowrap; text-overflow: ellipsis;"></span>
  <span style="white-space: nowrap;">Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>
</div>`;

/** An empty header: without one, Chromium prints the date and title at the top of every page. */
const HEADER_TEMPLATE = '<span></span>';

async function launch(executablePath: string): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new ChromiumUnavailableError(executablePath, `it was not found at ${executablePath}`);
  }
  let chromium: BrowserType;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    throw new ChromiumUnavailableError(
      executablePath,
      `the playwright-core package that drives it cannot be loaded (${String(error)})`,
    );
  }
  return chromium.launch({ executablePath, args: [...CHROMIUM_FLAGS], headless: true });
}

/**
 * Prints `html` to an A4, tagged PDF with "Page X of Y" in the footer of every page; throws
 * `ChromiumUnavailableError` when Chromium is not installed.
 */
export async function renderPdf(html: string, options: RenderPdfOptions = {}): Promise<Buffer> {
  const browser = await launch(chromiumExecutablePath(options));
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: HEADER_TEMPLATE,
      footerTemplate: FOOTER_TEMPLATE,
      margin: { top: '15mm', right: '13mm', bottom: '17mm', left: '13mm' },
      // A tagged PDF (headings, tables) for screen readers, with an outline of its headings.
      tagged: true,
      outline: true,
    });
  } finally {
    await browser.close();
  }
}
