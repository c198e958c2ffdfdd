import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (apt-get install -y chromium), or HAVEN_CHROMIUM. */
export function chromiumPath(): string | null {
  const candidates = [process.env.HAVEN_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => typeof p === 'string' && existsSync(p)) ?? null;
}

export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium is not installed: apt-get install -y chromium');
  return chromium.launch({
    executablePath,
    args: [...chromiumFlags, ...extraArgs],
    headless: true,
  });
}
