/**
 * Reads a POSIX (ustar / GNU) tar archive held in memory: regular files only, with GNU long
 * names (`L` entries) and pax `path` records. Enough for block-list tarballs such as UT1's; a
 * path that would leave the archive (`..`, absolute) is refused.
 */
export interface TarEntry {
  path: string;
  data: Buffer;
}

export class TarError extends Error {}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
}

function octal(block: Buffer, offset: number, length: number): number {
  const text = field(block, offset, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarError(`bad number "${text}" in a tar header`);
  return parseInt(text, 8);
}

function checksumOk(block: Buffer): boolean {
  const expected = octal(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < 512; i += 1) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  return sum === expected;
}

function safePath(path: string): string {
  const clean = path.replace(/^\.\//, '');
  if (clean.startsWith('/') || clean.split('/').includes('..'))
    throw new TarError(`unsafe path "${path}" in the archive`);
  return clean;
}

export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | null = null;
  let paxPath: string | null = null;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    if (!checksumOk(header))
      throw new TarError(
        `bad header checksum at byte ${offset}: not a tar archive, or a damaged one`,
      );
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 48);
    const prefix = field(header, 345, 155);
    const name = field(header, 0, 100);
    const dataStart = offset + 512;
    const data = archive.subarray(dataStart, dataStart + size);
    if (data.length < size) throw new TarError('the archive ends in the middle of a file');
    offset = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      const match = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      paxPath = match?.[1] ?? null;
      continue;
    }
    const path = paxPath ?? longName ?? (prefix ? `${prefix}/${name}` : name);
    longName = null;
    paxPath = null;
    if (type === '0' || type === '\0')
      entries.push({ path: safePath(path), data: Buffer.from(data) });
  }
  return entries;
}
