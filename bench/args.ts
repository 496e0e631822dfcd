/** Command-line options of `npm run bench` (pure parsing, so it can be tested). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_FMNIST = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';

export interface BenchArgs {
  quick: boolean;
  evalA: string;
  /** eval-S folder (non-photographic PNGs, bench/eval-s.ts). */
  evalS: string;
  fmnist: string;
  /** Fashion-MNIST images to code as separate files (10000 full, 1000 with --quick). */
  fmnistCount: number;
  sets: Array<'eval-a' | 'eval-s' | 'fmnist' | 'grid'>;
  codecs?: string;
  flowzip: boolean;
  jobs: number;
  out: string;
  model?: string;
  grayModel?: string;
  backend?: string;
  keep: boolean;
  help: boolean;
}

/** The flowzip checkout this file belongs to (works from bench/ and dist/bench/). */
export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const p = join(dir, 'package.json');
    if (existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'flowzip') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the flowzip package root');
    dir = up;
  }
}

export const USAGE = `usage: npm run bench -- [options]
  --quick              first 1000 Fashion-MNIST images (eval-A stays whole)
  --eval-a DIR         eval-A folder (default <repo>/../shared/data/eval-A)
  --eval-s DIR         eval-S folder (default <repo>/../shared/data/eval-S)
  --fmnist FILE        Fashion-MNIST t10k images, gzip IDX (default ${DEFAULT_FMNIST})
  --fmnist-count N     Fashion-MNIST images to code (default 10000, 1000 with --quick)
  --sets LIST          eval-a,eval-s,fmnist,grid (default all; grid = the first 1000 as one 1120×700 image;
                       eval-s: PNG, optipng, cjxl -e 7/-e 9, cwebp -z 9 and flowzip per file)
  --no-grid            leave out the grid
  --codecs LIST        classic codec ids (optipng,j2k,webp,cjxl-e7,cjxl-e9,xz; zopflipng is extra: +zopflipng or all)
  --no-flowzip         classic codecs only
  --jobs N             CLI codec processes at once (default 1; with --quick, one per core)
  --out DIR            results folder (default <repo>/bench/results)
  --model M, --gray-model M, --backend B   passed to flowzip
  --keep               keep the temporary files`;

/** Parses argv (without node and script). Throws Error with a one-line message on bad options. */
export function parseBenchArgs(argv: string[], root: string, cores = 1): BenchArgs {
  const a: BenchArgs = {
    quick: false,
    evalA: resolve(root, '..', 'shared', 'data', 'eval-A'),
    evalS: resolve(root, '..', 'shared', 'data', 'eval-S'),
    fmnist: DEFAULT_FMNIST,
    fmnistCount: 10000,
    sets: ['eval-a', 'eval-s', 'fmnist', 'grid'],
    flowzip: true,
    jobs: 1,
    out: join(root, 'bench', 'results'),
    keep: false,
    help: false,
  };
  let count: number | null = null;
  let jobs: number | null = null;
  let noGrid = false;
  for (let i = 0; i < argv.length; i++) {
    const opt = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${opt} needs a value`);
      return v;
    };
    const int = () => {
      const v = Number(val());
      if (!Number.isInteger(v) || v < 1) throw new Error(`${opt} needs a positive integer`);
      return v;
    };
    switch (opt) {
      case '--quick':
        a.quick = true;
        break;
      case '--eval-a':
        a.evalA = resolve(val());
        break;
      case '--eval-s':
        a.evalS = resolve(val());
        break;
      case '--fmnist':
        a.fmnist = resolve(val());
        break;
      case '--fmnist-count':
        count = int();
        break;
      case '--sets': {
        const s = val()
          .split(',')
          .map((x) => x.trim().toLowerCase());
        const bad = s.filter((x) => !['eval-a', 'eval-s', 'fmnist', 'grid'].includes(x));
        if (bad.length) throw new Error(`unknown set(s): ${bad.join(', ')} (eval-a, eval-s, fmnist, grid)`);
        a.sets = s as BenchArgs['sets'];
        break;
      }
      case '--no-grid':
        noGrid = true;
        break;
      case '--codecs':
        a.codecs = val();
        break;
      case '--no-flowzip':
        a.flowzip = false;
        break;
      case '--jobs':
        jobs = int();
        break;
      case '--out':
        a.out = resolve(val());
        break;
      case '--model':
        a.model = val();
        break;
      case '--gray-model':
        a.grayModel = val();
        break;
      case '--backend':
        a.backend = val();
        break;
      case '--keep':
        a.keep = true;
        break;
      case '-h':
      case '--help':
        a.help = true;
        break;
      default:
        throw new Error(`unknown option ${opt}`);
    }
  }
  a.fmnistCount = count ?? (a.quick ? 1000 : 10000);
  a.jobs = jobs ?? (a.quick ? Math.max(1, cores) : 1);
  if (noGrid) a.sets = a.sets.filter((s) => s !== 'grid');
  return a;
}
