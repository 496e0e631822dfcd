/**
 * Copies the benchmark results (bench/results/results.md, and eval-s.md and
 * speed.md when present) into README.md between the results markers, so the README's
 * figures are exactly what `npm run bench` produced — never typed by hand.
 * Run: npm run bench && node dist/scripts/update-readme.js
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url).pathname;
const readme = readFileSync(`${root}README.md`, 'utf8');
const start = '<!-- results:start -->',
  end = '<!-- results:end -->';
const a = readme.indexOf(start),
  b = readme.indexOf(end);
if (a < 0 || b < a) throw new Error('README.md lacks the results markers');
const parts: string[] = [];
const results = `${root}bench/results/results.md`;
if (!existsSync(results)) throw new Error('no bench/results/results.md: run `npm run bench` first');
parts.push(readFileSync(results, 'utf8').trim());
if (existsSync(`${root}bench/results/plot.svg`)) parts.push('![bits per subpixel against decode speed](bench/results/plot.svg)');
if (existsSync(`${root}bench/results/eval-s.md`)) parts.push(`# Non-photographic images (\`npm run bench -- --sets eval-s\`)\n\n${readFileSync(`${root}bench/results/eval-s.md`, 'utf8').trim()}`);
if (existsSync(`${root}bench/results/speed.md`)) parts.push(readFileSync(`${root}bench/results/speed.md`, 'utf8').trim());
if (existsSync(`${root}bench/results/big-photo.md`))
  parts.push(`### Whole CLI processes on large photos (\`node dist/bench/big-photo.js\`)\n\n${readFileSync(`${root}bench/results/big-photo.md`, 'utf8').trim()}`);
parts.push(
  'Reproduce: `scripts/install-codecs.sh && npm run bench` (add `-- --quick` for 1,000 Fashion-MNIST images), `node dist/bench/speed.js` and `node dist/bench/big-photo.js > bench/results/big-photo.md` on an otherwise idle machine, then `node dist/scripts/update-readme.js`.',
);
// The reports' headings (# …) sit under the README's "## Results": push them two levels down.
const body = parts.join('\n\n').replace(/^(#{1,4}) /gm, '##$1 ');
writeFileSync(`${root}README.md`, `${readme.slice(0, a + start.length)}\n${body}\n${readme.slice(b)}`);
console.log('README.md results updated');
