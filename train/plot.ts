/** Training curve (train EMA and validation bpsp against step) as a small SVG. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Reads log.jsonl and writes an SVG line plot; does nothing without data. */
export function writeCurve(logPath: string, svgPath: string): void {
  if (!existsSync(logPath)) return;
  const rows = readFileSync(logPath, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, number>);
  if (rows.length < 2) return;
  const W = 640,
    H = 360,
    m = 48;
  const train = rows.filter((r, i) => i % Math.ceil(rows.length / 400) === 0).map((r) => [r.step, r.ema] as const);
  const val = rows.filter((r) => r.valBpsp !== undefined).map((r) => [r.step, r.valBpsp] as const);
  const ys = [...train, ...val].map((p) => p[1]);
  const x0 = rows[0].step,
    x1 = rows[rows.length - 1].step;
  const y0 = Math.min(...ys),
    y1 = Math.min(Math.max(...ys), y0 + 2);
  const X = (s: number) => m + ((s - x0) / Math.max(1, x1 - x0)) * (W - 2 * m);
  const Y = (v: number) => H - m - ((Math.min(v, y1) - y0) / Math.max(1e-9, y1 - y0)) * (H - 2 * m);
  const path = (pts: ReadonlyArray<readonly [number, number]>) => pts.map((p, i) => `${i ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => y0 + f * (y1 - y0));
  writeFileSync(
    svgPath,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="white"/>
<line x1="${m}" y1="${H - m}" x2="${W - m}" y2="${H - m}" stroke="black"/><line x1="${m}" y1="${m}" x2="${m}" y2="${H - m}" stroke="black"/>
${ticks.map((t) => `<text x="4" y="${Y(t) + 4}">${t.toFixed(3)}</text>`).join('')}
<text x="${m}" y="${H - 12}">step ${x0}</text><text x="${W - m - 60}" y="${H - 12}">step ${x1}</text>
<path d="${path(train)}" fill="none" stroke="#1f77b4"/>
${val.length ? `<path d="${path(val)}" fill="none" stroke="#d62728" stroke-width="2"/>${val.map((p) => `<circle cx="${X(p[0])}" cy="${Y(p[1])}" r="2.5" fill="#d62728"/>`).join('')}` : ''}
<text x="${W - 230}" y="20" fill="#1f77b4">train bpsp (EMA, float)</text><text x="${W - 230}" y="34" fill="#d62728">validation bpsp (integer, exact)</text>
</svg>\n`,
  );
}
