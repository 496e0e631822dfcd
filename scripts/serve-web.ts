/**
 * A tiny static file server for the demo page and the browser test: GET and
 * HEAD of files under mounted folders, on 127.0.0.1 only. `npm run demo`
 * serves dist/web/ (after build:browser) at / and corpus/golden/ at
 * /golden/ (sample streams); `PORT` picks the port (default 8080).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, WEB_OUT } from './build-browser.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.fz': 'application/octet-stream',
};

/** URL prefix (starting and ending with `/`) → folder. */
export type Mounts = Record<string, string>;

/** The folders `npm run demo` serves. */
export const DEMO_MOUNTS: Mounts = { '/golden/': join(ROOT, 'corpus', 'golden'), '/': WEB_OUT };

/** The file a request path names under `mounts` (longest prefix first), or null; never a path outside the mount. */
function fileFor(path: string, mounts: Mounts): string | null {
  for (const prefix of Object.keys(mounts).sort((a, b) => b.length - a.length)) {
    if (!path.startsWith(prefix)) continue;
    const base = resolve(mounts[prefix]);
    let rel = decodeURIComponent(path.slice(prefix.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = resolve(base, normalize(rel));
    if (file !== base && !file.startsWith(base + sep)) return null;
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      /* not there: try shorter prefixes */
    }
  }
  return null;
}

/** Starts serving `mounts` on 127.0.0.1:`port` (0: any free port); resolves to the server and its base URL. */
export function serve(mounts: Mounts, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = req.method === 'GET' || req.method === 'HEAD' ? fileFor(path, mounts) : null;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await serve(DEMO_MOUNTS, Number(process.env.PORT ?? 8080));
  console.log(`flowzip demo: ${url}  (sample streams: ${url}?src=golden/v5-causal-rgb-ladybird-256x192.ppm.fz; Ctrl-C stops)`);
}
