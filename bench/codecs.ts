/**
 * The classic codecs the benchmark compares flowzip against: how to call each
 * encoder and decoder (single-threaded where the tool has a flag), which
 * Debian package adds it, and how to read its version. Pure data plus
 * command builders; running them is harness.ts's job.
 */
import { accessSync, constants as fsc, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** A process to run: argv, and optionally a file that receives its stdout. */
export interface Cmd {
  argv: string[];
  stdoutTo?: string;
}

/** Shape of the image being coded. */
export interface ImageShape {
  width: number;
  height: number;
  channels: number;
}

/** JPEG 2000 resolution levels: the default 6, fewer when the image is too small for them (2^(n-1) ≤ min(width, height)). */
export function j2kResolutions(img: Pick<ImageShape, 'width' | 'height'>): number {
  return Math.max(1, Math.min(6, Math.floor(Math.log2(Math.min(img.width, img.height))) + 1));
}

/** What a codec is given to compress. */
export type InputKind = 'png' | 'pnm';

/** A command-line codec. */
export interface ClassicCodec {
  /** Short id (CSV, plot labels, --codecs). */
  id: string;
  /** Name for tables, with the settings. */
  name: string;
  /** Debian packages that provide the encoder and decoder binaries. */
  packages: string[];
  /** Binaries that must exist (encoder, decoder, …): names on PATH or absolute paths. */
  binaries: string[];
  input: InputKind;
  /** Extension of the compressed file (with the dot). */
  ext: string;
  /** Encodes `input` to `output`; `img` gives the image's shape for codecs whose settings depend on it. */
  encode(input: string, output: string, img: ImageShape): Cmd;
  /** Decodes to `output`, whose extension (.pgm/.ppm) the harness chooses from the channel count. */
  decode(encoded: string, output: string): Cmd;
  /** Command printing the version, and how to pick it out of stdout+stderr. */
  version: { cmd: Cmd; parse(text: string): string };
  /** How the decoder is timed / what it is, when not obvious from the name. */
  note?: string;
  /** Not run unless asked for (--codecs). */
  extra?: boolean;
}

const firstLine = (t: string) => t.trim().split('\n')[0]?.trim() ?? '';

/** ImageMagick for decoding PNG to PNM (never /usr/local/bin/convert: a stand-in lives there). */
export const CONVERT = '/usr/bin/convert';

function jxl(effort: number): ClassicCodec {
  return {
    id: `cjxl-e${effort}`,
    name: `JPEG XL (cjxl -d 0 -e ${effort})`,
    packages: ['libjxl-tools'],
    binaries: ['cjxl', 'djxl'],
    input: 'png',
    ext: '.jxl',
    // cjxl: --num_threads=0 = no thread pool; djxl: 0 would mean "machine default", so 1.
    encode: (i, o) => ({ argv: ['cjxl', i, o, '-d', '0', '-e', String(effort), '--num_threads=0'] }),
    decode: (e, o) => ({ argv: ['djxl', e, o, '--num_threads=1'] }),
    version: { cmd: { argv: ['cjxl', '--version'] }, parse: (t) => firstLine(t).replace(/\s*\[.*$/, '') },
  };
}

function pngDecode(e: string, o: string): Cmd {
  return { argv: [CONVERT, e, o] };
}

/** Every classic codec the harness knows, in table order. */
export const CLASSIC_CODECS: ClassicCodec[] = [
  {
    id: 'optipng',
    name: 'PNG (optipng -o7)',
    packages: ['optipng', 'imagemagick'],
    binaries: ['optipng', CONVERT],
    input: 'png',
    ext: '.png',
    encode: (i, o) => ({ argv: ['optipng', '-quiet', '-o7', '-out', o, i] }),
    decode: pngDecode,
    version: { cmd: { argv: ['optipng', '-v'] }, parse: firstLine },
    note: 'decoded by ImageMagick convert',
  },
  {
    id: 'zopflipng',
    name: 'PNG (zopflipng -m)',
    packages: ['zopfli', 'imagemagick'],
    binaries: ['zopflipng', CONVERT],
    input: 'png',
    ext: '.png',
    encode: (i, o) => ({ argv: ['zopflipng', '-m', '-y', i, o] }),
    decode: pngDecode,
    version: { cmd: { argv: ['dpkg-query', '-W', '-f=${Version}', 'zopfli'] }, parse: (t) => `zopflipng (zopfli ${firstLine(t)})` },
    note: 'decoded by ImageMagick convert',
    extra: true,
  },
  {
    id: 'j2k',
    name: 'JPEG 2000 (opj_compress, reversible 5/3, .j2k)',
    packages: ['libopenjp2-tools'],
    binaries: ['opj_compress', 'opj_decompress'],
    input: 'png',
    ext: '.j2k',
    encode: (i, o, img) => ({ argv: ['opj_compress', '-i', i, '-o', o, '-n', String(j2kResolutions(img)), '-threads', '1'] }),
    decode: (e, o) => ({ argv: ['opj_decompress', '-i', e, '-o', o, '-threads', '1'] }),
    note: 'resolution levels: 6 (the default), fewer for images under 32 pixels (28×28: 5)',
    version: { cmd: { argv: ['opj_compress', '-h'] }, parse: (t) => `opj_compress (openjp2 ${/library v(\S+?)\.?\s/.exec(t)?.[1] ?? '?'})` },
  },
  {
    id: 'webp',
    name: 'WebP (cwebp -lossless -z 9)',
    packages: ['webp'],
    binaries: ['cwebp', 'dwebp'],
    input: 'png',
    ext: '.webp',
    encode: (i, o) => ({ argv: ['cwebp', '-quiet', '-lossless', '-z', '9', '-exact', i, '-o', o] }),
    // dwebp writes RGB (gray is widened); -pgm would be YUV planes.
    decode: (e, o) => ({ argv: ['dwebp', '-quiet', e, '-ppm', '-o', o] }),
    version: { cmd: { argv: ['cwebp', '-version'] }, parse: (t) => `cwebp ${firstLine(t)}` },
  },
  jxl(7),
  jxl(9),
  {
    id: 'xz',
    name: 'xz -9 on the PPM/PGM',
    packages: ['xz-utils'],
    binaries: ['xz'],
    input: 'pnm',
    ext: '.xz',
    // xz writes to stdout: the harness points it at the output file.
    encode: (i, o) => ({ argv: ['xz', '-9', '-T1', '-k', '-c', i], stdoutTo: o }),
    decode: (e, o) => ({ argv: ['xz', '-d', '-c', e], stdoutTo: o }),
    version: { cmd: { argv: ['xz', '--version'] }, parse: firstLine },
  },
];

/** Full path of an executable, searching PATH for bare names; null when absent. */
export function which(bin: string, path = process.env.PATH ?? ''): string | null {
  const ok = (p: string) => {
    try {
      accessSync(p, fsc.X_OK);
      return existsSync(p);
    } catch {
      return false;
    }
  };
  if (isAbsolute(bin) || bin.includes('/')) return ok(bin) ? bin : null;
  for (const dir of path.split(delimiter)) if (dir && ok(join(dir, bin))) return join(dir, bin);
  return null;
}

/** The `apt-get install` line that would add a codec. */
export function aptLine(codec: Pick<ClassicCodec, 'packages'>): string {
  return `apt-get install -y ${codec.packages.join(' ')}`;
}

/** Whether a codec's binaries are all present; when not, which are missing and the line that adds them. */
export function availability(codec: ClassicCodec, find: (bin: string) => string | null = (b) => which(b)): { available: true } | { available: false; missing: string[]; install: string } {
  const missing = codec.binaries.filter((b) => !find(b));
  if (missing.length === 0) return { available: true };
  return { available: false, missing, install: aptLine(codec) };
}

/** Extension a decoder should write for an image with this many channels. */
export function decodedExt(channels: number): string {
  return channels === 1 ? '.pgm' : '.ppm';
}

/** Codecs selected by a --codecs list (ids; `all` = every one, `default` = the non-extra ones; `+id` adds to the default). */
export function selectCodecs(spec: string | undefined, all: ClassicCodec[] = CLASSIC_CODECS): ClassicCodec[] {
  if (!spec || spec === 'default') return all.filter((c) => !c.extra);
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.includes('all')) return all.slice();
  const base = parts.every((p) => p.startsWith('+')) ? all.filter((c) => !c.extra).map((c) => c.id) : [];
  const ids = new Set([...base, ...parts.map((p) => p.replace(/^\+/, ''))]);
  const unknown = [...ids].filter((id) => id !== 'flowzip' && !all.some((c) => c.id === id));
  if (unknown.length) throw new Error(`unknown codec(s): ${unknown.join(', ')} (known: ${all.map((c) => c.id).join(', ')}, flowzip)`);
  return all.filter((c) => ids.has(c.id));
}
