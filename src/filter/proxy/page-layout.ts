import type { ServerResponse } from 'node:http';
/**
 * The frame of every page the proxy writes itself (block pages, "could not reach" pages, help):
 * one accessible HTML document with its style inline, no script, no external resource (the page
 * must show even when nothing else can be reached). Pure.
 *
 * `escapeHtml` is local on purpose: `src/filter` may not import `src/reports` (see the module
 * boundaries), and five replacements do not justify a shared module.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** How a page looks: `calm` for block pages, `plain` for the IWF splash, `problem` for errors. */
export type PageTone = 'calm' | 'plain' | 'problem';

const STYLE = `
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
line-height:1.5;color:#1b2440;background:#eaf2fb;display:flex;align-items:flex-start;justify-content:center}
main{width:100%;max-width:42rem;margin:3rem 1rem;background:#fff;border-radius:1.25rem;
padding:2rem 2rem 1.75rem;box-shadow:0 .25rem 1.5rem rgba(27,36,64,.12)}
.tone-plain{background:#f3f3f3}.tone-plain main{border-radius:.25rem;box-shadow:none;border:1px solid #b1b4b6}
.tone-problem{background:#f6f1e8}
.badge{display:block;width:4.5rem;height:4.5rem;margin:0 0 1rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 .75rem;color:#14213d}
h2{font-size:1.25rem;margin:1.75rem 0 .5rem;color:#14213d}
p{margin:0 0 1rem;font-size:1.125rem}
.lead{font-size:1.25rem}
.site{font-weight:700;word-break:break-all}
.reason{background:#f1f6fd;border-left:.375rem solid #3b73c4;padding:.75rem 1rem;border-radius:.25rem;margin:0 0 1.25rem}
.tone-problem .reason{background:#fdf6e9;border-left-color:#b4690e}
.when{background:#eef8f0;border-left:.375rem solid #2e7d46;padding:.75rem 1rem;border-radius:.25rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem;font-size:1rem}
dt{font-weight:600;color:#3d4663}dd{margin:0;word-break:break-word}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:1.5rem 0 .5rem;padding:0;list-style:none}
.button{display:inline-block;padding:.75rem 1.25rem;border-radius:.625rem;font-size:1.125rem;font-weight:600;
text-decoration:none;border:.125rem solid #1a5fb4}
.button.primary{background:#1a5fb4;color:#fff}
.button.secondary{background:#fff;color:#1a5fb4}
.button:hover{text-decoration:underline}
a{color:#1a5fb4}
a:focus-visible,.button:focus-visible{outline:.1875rem solid #ffbf47;outline-offset:.125rem;box-shadow:0 0 0 .375rem #0b0c0c}
.small{font-size:.9375rem;color:#4a5270}
footer{margin-top:1.5rem;padding-top:1rem;border-top:1px solid #dfe3ec;font-size:.9375rem;color:#4a5270}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9375rem;background:#f1f3f8;padding:.0625rem .25rem;border-radius:.25rem}
@media (max-width:30rem){main{margin:0;border-radius:0;padding:1.5rem 1.25rem;min-height:100vh}h1{font-size:1.625rem}}
`
  .replace(/\n/g, '')
  .trim();

/** A whole HTML document around `body` (markup written by the proxy; escape every value in it). */
export function page(title: string, body: string, tone: PageTone = 'calm'): string {
  return (
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="robots" content="noindex">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body class="tone-${tone}"><main>${body}</main></body></html>`
  );
}

/** A friendly shield for block pages: decoration only, hidden from screen readers. */
export const SHIELD_BADGE =
  '<svg class="badge" viewBox="0 0 72 72" aria-hidden="true" focusable="false">' +
  '<path d="M36 4 10 14v18c0 17 11 30 26 36 15-6 26-19 26-36V14z" fill="#3b73c4"/>' +
  '<path d="M36 10 16 18v14c0 13 8 24 20 29 12-5 20-16 20-29V18z" fill="#dbe8f8"/>' +
  '<rect x="26" y="33" width="20" height="15" rx="3" fill="#3b73c4"/>' +
  '<path d="M30 33v-5a6 6 0 0 1 12 0v5" fill="none" stroke="#3b73c4" stroke-width="3.5"/>' +
  '<circle cx="36" cy="40" r="2.5" fill="#fff"/></svg>';

/** A cloud with a gap, for "could not reach" pages: decoration only. */
export const CLOUD_BADGE =
  '<svg class="badge" viewBox="0 0 72 72" aria-hidden="true" focusable="false">' +
  '<path d="M22 52a12 12 0 0 1-1-24 16 16 0 0 1 31-3 11 11 0 0 1-1 27z" fill="#e9c98f"/>' +
  '<path d="M30 38l12 10M42 38 30 48" stroke="#8a4f08" stroke-width="3.5" stroke-linecap="round"/></svg>';

/** Send an HTML page of the filter's own (block page, 502 page, …), never cached. */
export function sendPage(
  res: ServerResponse,
  status: number,
  html: string,
  extra: readonly string[] = [],
): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, [
    'Content-Type',
    'text/html; charset=utf-8',
    'Content-Length',
    String(body.length),
    'Cache-Control',
    'no-store',
    'X-Content-Type-Options',
    'nosniff',
    'Referrer-Policy',
    'no-referrer',
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    ...extra,
  ]);
  res.end(body);
}
