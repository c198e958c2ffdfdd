import { CLOUD_BADGE, escapeHtml, page, SHIELD_BADGE } from './page-layout.ts';

/**
 * The proxy's own pages other than the block page: "could not reach the site" (502/504), help for
 * a request that was not meant for a proxy (400), sign in (407), starting up (503), a request
 * loop (508), and the proxy auto-configuration file for browsers and WPAD. Pure.
 */

/** Why the proxy could not get an answer from a site. */
export type UpstreamProblem =
  | 'dns'
  | 'refused'
  | 'connect-timeout'
  | 'response-timeout'
  | 'unreachable'
  | 'reset'
  | 'bad-response'
  | 'other';

const PROBLEM_TEXT: Readonly<Record<UpstreamProblem, string>> = {
  dns: 'The name could not be found. The address may be mistyped, or the site may no longer exist.',
  refused: 'The site refused the connection. It may be down or not accepting visitors just now.',
  'connect-timeout': 'The site did not answer in time. It may be down or very busy.',
  'response-timeout': 'The site accepted the connection but did not send the page in time.',
  unreachable: 'The network could not find a way to the site.',
  reset: 'The site closed the connection before sending the page.',
  'bad-response': 'The site sent an answer that could not be understood.',
  other: 'Something went wrong while contacting the site.',
};

/** The short technical name shown under "Details" (for the IT team). */
const PROBLEM_NAME: Readonly<Record<UpstreamProblem, string>> = {
  dns: 'DNS lookup failed',
  refused: 'Connection refused',
  'connect-timeout': 'Connection timed out',
  'response-timeout': 'No response in time',
  unreachable: 'Network unreachable',
  reset: 'Connection reset',
  'bad-response': 'Invalid response',
  other: 'Upstream error',
};

/** Maps a Node error (code) to the problem shown. */
export function upstreamProblemOf(error: unknown): UpstreamProblem {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
    case 'ENODATA':
      return 'dns';
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
    case 'HAVEN_CONNECT_TIMEOUT':
      return 'connect-timeout';
    case 'HAVEN_RESPONSE_TIMEOUT':
      return 'response-timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return 'unreachable';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return 'reset';
    default:
      return code.startsWith('HPE_') ? 'bad-response' : 'other';
  }
}

/** 504 when the site accepted the connection but did not answer; 502 for everything else. */
export function upstreamStatusOf(problem: UpstreamProblem): 502 | 504 {
  return problem === 'response-timeout' ? 504 : 502;
}

/** The page for a site that could not be reached (status 502 or 504). */
export function renderUpstreamErrorPage(host: string, problem: UpstreamProblem): string {
  const status = upstreamStatusOf(problem);
  const body =
    CLOUD_BADGE +
    '<h1>This site could not be reached</h1>' +
    `<p class="lead">The school web filter tried to open <span class="site">${escapeHtml(host)}</span> for you, but it did not work.</p>` +
    `<p class="reason">${escapeHtml(PROBLEM_TEXT[problem])}</p>` +
    '<h2>What you can do</h2>' +
    '<p>Check the address, wait a moment and try again. If it keeps happening, tell your teacher or the IT team.</p>' +
    '<h2>Details</h2>' +
    `<dl><dt>Site</dt><dd>${escapeHtml(host)}</dd><dt>Problem</dt><dd>${escapeHtml(PROBLEM_NAME[problem])}</dd>` +
    `<dt>Status</dt><dd>${status} ${status === 504 ? 'Gateway Timeout' : 'Bad Gateway'}</dd></dl>` +
    '<footer>This message comes from the school web filter (Haven). The site itself was not blocked.</footer>';
  return page('This site could not be reached', body, 'problem');
}

/** The 400 page for a request sent to the proxy as if it were a web site. */
export function renderProxyHelpPage(detail: string): string {
  const body =
    SHIELD_BADGE +
    '<h1>This is the school web filter</h1>' +
    `<p class="reason">${escapeHtml(detail)}</p>` +
    '<p>This address is a web proxy: browsers send their requests through it, and it is not a web site to open by itself.</p>' +
    '<h2>Setting up a browser</h2>' +
    '<p>Set the browser’s (or the computer’s) HTTP and HTTPS proxy to this address and port, or use automatic proxy configuration with <code>/proxy.pac</code> on this address. Your IT team can also publish it by WPAD.</p>' +
    '<footer>Haven web filter.</footer>';
  return page('Haven web filter', body);
}

/** The 407 page: the browser asks for a username and password. */
export function renderSignInPage(reason: string): string {
  const body =
    SHIELD_BADGE +
    '<h1>Please sign in</h1>' +
    '<p class="lead">Sign in to use the internet at school, with your school username and password.</p>' +
    (reason.length > 0 ? `<p class="reason">${escapeHtml(reason)}</p>` : '') +
    '<p>If you have forgotten your password, ask your teacher or the IT team.</p>' +
    '<footer>Haven web filter.</footer>';
  return page('Please sign in', body);
}

/** The 503 page while the school's policy has not loaded yet. */
export function renderNotReadyPage(): string {
  const body =
    SHIELD_BADGE +
    '<h1>The web filter is starting</h1>' +
    '<p class="lead">The school web filter is getting ready. Please try again in a moment.</p>' +
    '<footer>Haven web filter. No page is let through until the school’s policy has loaded.</footer>';
  return page('The web filter is starting', body, 'problem');
}

/** The 500 page: the filter itself had a problem, so nothing was let through. */
export function renderInternalErrorPage(): string {
  const body =
    CLOUD_BADGE +
    '<h1>The web filter had a problem</h1>' +
    '<p class="lead">Something went wrong inside the school web filter, so this page was not opened.</p>' +
    '<p>Please try again. If it keeps happening, tell your teacher or the IT team.</p>' +
    '<footer>Haven web filter.</footer>';
  return page('The web filter had a problem', body, 'problem');
}

/** The 508 page for a request that came back to the proxy itself. */
export function renderLoopPage(host: string): string {
  const body =
    CLOUD_BADGE +
    '<h1>This address points back to the web filter</h1>' +
    `<p class="reason">The request for <span class="site">${escapeHtml(host)}</span> came back to the web filter itself, so it was stopped.</p>` +
    '<p>Tell the IT team: the proxy settings or the address may be wrong.</p>' +
    '<footer>Haven web filter.</footer>';
  return page('Request loop', body, 'problem');
}

/**
 * A proxy auto-configuration file (`/proxy.pac`, `/wpad.dat`) sending everything but plain host
 * names and loopback through `proxy` (`host:port`). No `DIRECT` fallback: when the filter is down,
 * browsing stops rather than going round it.
 */
export function renderPac(proxy: string): string {
  const target = JSON.stringify(`PROXY ${proxy}`);
  return (
    '// Haven web filter: proxy auto-configuration\n' +
    'function FindProxyForURL(url, host) {\n' +
    '  if (isPlainHostName(host) || host === "localhost" || shExpMatch(host, "127.*") || host === "[::1]") {\n' +
    '    return "DIRECT";\n' +
    '  }\n' +
    `  return ${target};\n` +
    '}\n'
  );
}
