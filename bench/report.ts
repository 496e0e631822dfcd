/**
 * Formats a BenchReport: Markdown (one table per set), CSV (one row per codec
 * and set) and an SVG scatter plot of bpsp against decode speed.
 */
import type { BenchReport, CodecResult } from './harness.js';
import { bpsp, mpPerSecond } from './metrics.js';

/** Number with `digits` significant digits, or `n/a`. */
export function sig(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 10 ** digits) return x.toFixed(0);
  return x.toFixed(Math.max(0, digits - 1 - Math.floor(Math.log10(a))));
}

/** Derived figures of a result row. */
export function derived(r: CodecResult): { bpsp: number; encMPs: number; decMPs: number; peakMiB: number | null; ok: boolean } {
  return {
    bpsp: bpsp(r.bytes, r.subpixels),
    encMPs: mpPerSecond(r.pixels, r.encSeconds),
    decMPs: mpPerSecond(r.pixels, r.decSeconds),
    peakMiB: r.peakKiB === null ? null : r.peakKiB / 1024,
    ok: r.failureCount === 0 && r.verified === r.files,
  };
}

/** True when any decoded file differed from its original or a codec failed. */
export function hasFailures(rep: BenchReport): boolean {
  return rep.results.some((r) => !derived(r).ok);
}

/** The header line: date, machine, Node. */
export function headerLine(rep: BenchReport): string {
  const load = rep.loadAverage ? ` · load average (1 min) ${rep.loadAverage.start.toFixed(2)} at start, ${rep.loadAverage.end.toFixed(2)} at end` : '';
  return `${rep.date} · ${rep.machine} (${rep.cores} cores) · Node ${rep.node} · ${rep.os}${load}`;
}

/** Each distinct version string once (cjxl -e7 and -e9 share one). */
export function versionList(rep: BenchReport): string {
  return [...new Set(rep.versions.map((v) => v.version))].join(' · ');
}

/** "verified" cell: `9/9 ✓` or `MISMATCH 8/9`. */
export function verifiedCell(r: CodecResult): string {
  return derived(r).ok ? `${r.verified}/${r.files} ✓` : `**FAILED** ${r.verified}/${r.files}`;
}

/** Codec cell: the name, and for flowzip the container methods when not every file went through the flow. */
export function codecCell(r: CodecResult): string {
  const m = r.methods;
  if (!m) return r.name;
  const other = Object.entries(m).filter(([k]) => k !== 'image');
  if (other.length === 0) return r.name;
  return `${r.name} (whole-file fallback: ${other.map(([k, v]) => `${k} ${v}/${r.files}`).join(', ')})`;
}

/** One Markdown table per set, rows sorted by bpsp. */
export function formatMarkdown(rep: BenchReport): string {
  const L: string[] = [];
  L.push('# flowzip benchmark');
  L.push('');
  L.push(headerLine(rep));
  L.push('');
  L.push(`Versions: ${versionList(rep)}`);
  L.push('');
  for (const set of rep.sets) {
    const rows = rep.results.filter((r) => r.set === set.name).sort((a, b) => bpsp(a.bytes, a.subpixels) - bpsp(b.bytes, b.subpixels));
    if (rows.length === 0) continue;
    L.push(`## ${set.name} — ${set.description}; ${set.files} files, ${sig(set.pixels / 1e6)} MP, ${set.subpixels} subpixels`);
    L.push('');
    L.push('| codec | bpsp | bytes | enc MP/s | dec MP/s | peak MiB | verified |');
    L.push('|---|---:|---:|---:|---:|---:|---|');
    for (const r of rows) {
      const d = derived(r);
      L.push(`| ${codecCell(r)} | ${d.bpsp.toFixed(3)} | ${r.bytes} | ${sig(d.encMPs)} | ${sig(d.decMPs)} | ${sig(d.peakMiB)} | ${verifiedCell(r)} |`);
    }
    L.push('');
    const failed = rows.filter((r) => !derived(r).ok);
    for (const r of failed) {
      L.push(`**FAILED — ${r.name} on ${set.name}: ${r.failureCount} file(s) did not round-trip.**`);
      for (const f of r.failures) L.push(`- ${f}`);
      L.push('');
    }
  }
  if (rep.skipped.length) {
    L.push('Skipped (not installed):');
    for (const s of rep.skipped) L.push(`- ${s.name}: ${s.missing.join(', ')} missing — \`${s.install}\``);
    L.push('');
  }
  L.push('Notes:');
  for (const n of rep.notes) L.push(`- ${n}`);
  L.push(`- Wall time of the whole run: ${rep.wallSeconds.toFixed(1)} s.`);
  L.push('');
  return L.join('\n');
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = [
  'set',
  'codec',
  'name',
  'files',
  'pixels',
  'subpixels',
  'bytes',
  'bpsp',
  'enc_s',
  'dec_s',
  'enc_mp_s',
  'dec_mp_s',
  'peak_kib',
  'verified',
  'failures',
  'first_failure',
  'methods',
] as const;

/** One row per codec and set (plus skipped codecs, with empty figures). */
export function formatCsv(rep: BenchReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rep.results) {
    const d = derived(r);
    lines.push(
      [
        r.set,
        r.id,
        r.name,
        r.files,
        r.pixels,
        r.subpixels,
        r.bytes,
        d.bpsp,
        r.encSeconds,
        r.decSeconds,
        d.encMPs,
        d.decMPs,
        r.peakKiB,
        r.verified,
        r.failureCount,
        r.failures[0] ?? '',
        r.methods
          ? Object.entries(r.methods)
              .map(([k, v]) => `${k}:${v}`)
              .join(' ')
          : '',
      ]
        .map(csvField)
        .join(','),
    );
  }
  for (const s of rep.skipped) lines.push([`(all)`, s.id, s.name, '', '', '', '', '', '', '', '', '', '', '', '', `skipped: ${s.install}`, ''].map(csvField).join(','));
  return lines.join('\n') + '\n';
}

const PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Short plot label of a codec. */
export function shortLabel(r: Pick<CodecResult, 'id' | 'name'>): string {
  const m = /^(.*?) \((.*)\)$/.exec(r.name);
  return r.id === 'flowzip' ? 'flowzip' : m ? `${m[1]} ${r.id.startsWith('cjxl') ? r.id.slice(5) : ''}`.trim() : r.name;
}

/**
 * SVG: one panel per set, bpsp (y, linear from 0) against decode MP/s (x, log
 * scale shared by all panels), one labelled point per codec, one colour per codec.
 */
export function plotSvg(rep: BenchReport): string {
  const sets = rep.sets.filter((s) => rep.results.some((r) => r.set === s.name));
  const PW = 380,
    PH = 300,
    ML = 50,
    MR = 20,
    MT = 40,
    MB = 45;
  const W = Math.max(1, sets.length) * (PW + ML + MR),
    H = PH + MT + MB + 40;
  const ids = [...new Set(rep.results.map((r) => r.id))];
  const colour = (id: string) => PALETTE[ids.indexOf(id) % PALETTE.length];
  const xs = rep.results.map((r) => derived(r).decMPs).filter((x) => x > 0 && Number.isFinite(x));
  const lo = Math.floor(Math.log10(xs.length ? Math.min(...xs) : 0.1));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(xs.length ? Math.max(...xs) : 10)));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">bits per subpixel vs decode speed (lower and further right is better) — ${esc(rep.date.slice(0, 10))}, ${esc(rep.machine)}</text>`,
  );
  sets.forEach((set, k) => {
    const ox = k * (PW + ML + MR) + ML,
      oy = MT;
    const rows = rep.results.filter((r) => r.set === set.name);
    const ys = rows.map((r) => derived(r).bpsp).filter(Number.isFinite);
    const yTop = Math.max(1, ...ys),
      yBot = ys.length ? Math.min(...ys) : 0;
    const step = niceStep(Math.max(0.1, (yTop - yBot) * 1.3) / 5);
    const ymin = Math.max(0, Math.floor((yBot - step * 0.6) / step) * step);
    const ymax = Math.ceil((yTop + step * 0.6) / step) * step;
    const px = (v: number) => ox + ((Math.log10(v) - lo) / (hi - lo)) * PW;
    const py = (v: number) => oy + PH - ((v - ymin) / (ymax - ymin)) * PH;
    out.push(`<g>`);
    out.push(`<text x="${ox + PW / 2}" y="${oy - 8}" text-anchor="middle" font-size="13" font-weight="bold">${esc(set.name)}</text>`);
    out.push(`<rect x="${ox}" y="${oy}" width="${PW}" height="${PH}" fill="none" stroke="#444"/>`);
    for (let e = lo; e <= hi; e++) {
      const x = px(10 ** e);
      out.push(`<line x1="${x}" y1="${oy}" x2="${x}" y2="${oy + PH}" stroke="#ddd"/>`);
      out.push(`<text x="${x}" y="${oy + PH + 14}" text-anchor="middle">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}</text>`);
    }
    for (let v = ymin; v <= ymax + 1e-9; v += step) {
      const y = py(v);
      out.push(`<line x1="${ox}" y1="${y}" x2="${ox + PW}" y2="${y}" stroke="#eee"/>`);
      out.push(`<text x="${ox - 5}" y="${y + 4}" text-anchor="end">${+v.toFixed(2)}</text>`);
    }
    out.push(`<text x="${ox + PW / 2}" y="${oy + PH + 32}" text-anchor="middle">decode MP/s (log)</text>`);
    out.push(`<text transform="translate(${ox - 36},${oy + PH / 2}) rotate(-90)" text-anchor="middle">bpsp</text>`);
    // Points, then labels nudged apart vertically when they would collide.
    const pts = rows
      .map((r) => ({ r, d: derived(r) }))
      .filter(({ d }) => d.decMPs > 0 && Number.isFinite(d.decMPs) && Number.isFinite(d.bpsp))
      .map(({ r, d }) => ({ r, d, x: px(d.decMPs), y: py(d.bpsp) }))
      .sort((a, b) => a.y - b.y);
    // Labels beside their point; when one would overlap an earlier label, try
    // alternately above and below, and draw a leader line to the point.
    const placed: Array<{ x0: number; x1: number; y: number }> = [];
    for (const p of pts) {
      const label = `${shortLabel(p.r)}${p.d.ok ? '' : ' (FAILED)'} ${p.d.bpsp.toFixed(2)}`;
      const right = p.x < ox + PW * 0.6;
      const tw = label.length * 6.2;
      const x0 = right ? p.x + 8 : p.x - 8 - tw,
        x1 = x0 + tw;
      const hits = (y: number) => placed.some((q) => Math.abs(q.y - y) < 12 && q.x0 < x1 && x0 < q.x1) || pts.some((o) => o !== p && Math.abs(o.y - (y - 4)) < 7 && o.x > x0 - 5 && o.x < x1 + 5);
      let ly = p.y + 4;
      for (let k = 1; hits(ly) && k < 20; k++) ly = p.y + 4 + (k % 2 ? -1 : 1) * 12 * Math.ceil(k / 2);
      placed.push({ x0, x1, y: ly });
      out.push(`<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="5" fill="${colour(p.r.id)}" stroke="${p.d.ok ? 'none' : 'black'}"/>`);
      if (Math.abs(ly - 4 - p.y) > 1)
        out.push(`<line x1="${p.x.toFixed(1)}" y1="${p.y.toFixed(1)}" x2="${(right ? x0 - 1 : x1 + 1).toFixed(1)}" y2="${(ly - 4).toFixed(1)}" stroke="${colour(p.r.id)}" stroke-width="0.7"/>`);
      out.push(`<text x="${(right ? x0 : x1).toFixed(1)}" y="${ly.toFixed(1)}" text-anchor="${right ? 'start' : 'end'}" fill="${colour(p.r.id)}">${esc(label)}</text>`);
    }
    out.push(`</g>`);
  });
  out.push(`<text x="${ML}" y="${H - 8}" fill="#555">CLI codecs timed per process (start-up included); flowzip in-process. ${esc(versionList(rep)).slice(0, 400)}</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function niceStep(raw: number): number {
  const e = 10 ** Math.floor(Math.log10(raw));
  const f = raw / e;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
}
