/**
 * The teaching parts of `--help`: what flowzip is, examples, the shipped
 * models, exit codes; and the version from package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shippedModels } from '../codec/index.js';

/** Exit statuses of the CLI. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** One-paragraph description shown at the top of `flowzip --help`. */
export const DESCRIPTION = `flowzip is a lossless image codec. An exactly invertible integer flow — by
default an autoregressive coupling that predicts each sample from the ones
already decoded and adapts its probabilities to the image — gives every sample
of a PNG, PGM or PPM image an exact probability, and an rANS entropy coder
packs them; decompressing gives back the same pixels, bit for bit. Any other file (or an image the flow would not shrink) is stored or
brotli-compressed instead, so a .fz is never more than a few bytes larger than
its input. Like gzip/zstd, flowzip writes FILE.fz next to FILE and keeps FILE
unless --rm is given. A decompressed PNG has the same pixels, colour type, bit
depth, palette and metadata chunks as the original, though its bytes may differ.`;

/** Examples for the top-level help. */
export const MAIN_EXAMPLES = `Examples:
  flowzip photo.png                     write photo.png.fz, keep photo.png (= flowzip compress)
  flowzip -d photo.png.fz               write photo.png back (= flowzip decompress, flowzip d)
  flowzip -t photo.png.fz               decode and verify, write nothing (= flowzip test)
  flowzip -l photo.png.fz               method, image size, models, bpsp (= flowzip info)
  flowzip *.png *.ppm                   compress many files, one .fz each
  flowzip -r scans/                     every file in scans/ and its subfolders (-d -r: every .fz)
  flowzip --rm scans/*.pgm              remove each input once its .fz is written and checked
  flowzip -k a.png                      keep the input (the default; accepted for gzip habits)
  flowzip -o out.fz in.png              choose the output name (one input only)
  flowzip -c a.png > a.fz               to stdout (also: cat a.png | flowzip > a.fz)
  flowzip -d -c a.png.fz | wc -c        decompress to stdout
  flowzip -v a.png                      sizes, bpsp, model, backend and workers per file
  flowzip info --json *.fz              stream descriptions as JSON

A stream made from stdin has no name: 'flowzip -d a.fz' writes a.png (or .pgm,
.ppm) for an image, since a.fz alone does not say what it was.

Run 'flowzip COMMAND --help' for a command's options.`;

/** Per-command examples. */
export const COMMAND_EXAMPLES: Record<'compress' | 'decompress' | 'test' | 'info', string> = {
  compress: `Examples:
  flowzip compress photo.png                 → photo.png.fz (photo.png is kept)
  flowzip a.png                              the same: no command means compress
  flowzip compress -v a.png b.ppm notes.txt  → one .fz per file, with sizes, bpsp, model, backend, workers
  flowzip compress -r photos/                every file below photos/ (.fz files are skipped)
  flowzip compress -k a.png                  keep a.png (the default; -k with --rm is an error)
  flowzip compress -f --rm a.png             overwrite a.png.fz, then remove a.png
  flowzip compress -o small.fz a.png         one input, chosen output name
  flowzip compress -c a.png > a.fz           to stdout
  flowzip compress < a.png > a.fz            stdin to stdout
  flowzip compress --model zero-rgb a.png    choose a shipped model (or --model my-model.json)
  flowzip compress --fast big/*.png          effort 1 (model zero): about 3× faster, about 15 % larger
  flowzip compress -9 photo.png              effort 9 (also --best): a few tenths of a % smaller, slower

--rm removes an input only after its .fz was written and decoded back to the
same content. Large images show a progress bar when stderr is a terminal.`,
  decompress: `Examples:
  flowzip decompress photo.png.fz            → photo.png (photo.png.fz is kept)
  flowzip -d a.png.fz b.ppm.fz               same, several files
  flowzip d --rm a.png.fz                    → a.png, then remove a.png.fz
  flowzip -d -o copy.png a.png.fz            chosen output name
  flowzip -d -c a.png.fz > a.png             to stdout
  flowzip -d < a.png.fz > a.png              stdin to stdout
  flowzip -d -r photos/                      every .fz file below photos/
  flowzip -d --model my-model.json a.fz      a stream made with a model this build does not ship

A name that does not end in .fz needs -o or -c. The stream does not record the
original name: a.fz (e.g. made with 'flowzip < a.png > a.fz') decompresses to
a.png, a.pgm or a.ppm when it holds an image and its name has no extension.`,
  test: `Examples:
  flowzip test photo.png.fz                  photo.png.fz: OK (nothing is written)
  flowzip -t *.fz                            the same, many streams; exit status 1 if any is bad
  flowzip -t -r backups/                     every .fz file below backups/
  flowzip -tv a.png.fz                       with sizes, method, model, backend, workers`,
  info: `Examples:
  flowzip info photo.png.fz                  (also: flowzip -l photo.png.fz, flowzip list)
  flowzip -l -r backups/
  flowzip info --json *.fz | jq '.[].method'`,
};

/** The exit-status section of the help. */
export const EXIT_CODES = `Exit status:
  0  every file succeeded
  1  at least one file failed (each failure is one line on stderr: flowzip: FILE: why);
     the other files were still processed, and no partial output is left behind
  2  usage error (unknown option, missing argument, -o with several inputs, …)

Set FLOWZIP_DEBUG=1 to get stack traces with errors.`;

/** The shipped models: name, kind and id, then the manifest's description, wrapped; never throws. */
export function modelsHelp(): string {
  let lines: string[];
  try {
    lines = shippedModels().flatMap((m) => {
      const description = typeof m.manifest.description === 'string' ? m.manifest.description : '';
      return [`  ${m.name} (${m.flow.channels === 1 ? 'gray' : 'colour'} images, id ${m.id.slice(0, 8)})`, ...wrap(description, 74).map((l) => `      ${l}`)];
    });
    if (lines.length === 0) lines = ['  (none found)'];
  } catch (error) {
    lines = [`  (cannot list models: ${(error as Error).message})`];
  }
  return `Shipped models (--model NAME; by default causal-rgb for colour, causal-gray for gray and alpha;\n--effort 1 (--fast) picks model zero, 2 the causal -fast ones, 7–9 the -strong ones):\n${lines.join('\n')}`;
}

/** Greedy word wrap. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The package version, from the package.json above this file. */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'flowzip' && pkg.version) return pkg.version;
      } catch {
        // keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}
