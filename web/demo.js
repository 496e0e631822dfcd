// The demo page: decodes a .fz picked, dropped or named by ?src=URL with the browser bundle
// (flowzip-decode.js), shows the image and what the stream says about it. Models are fetched
// from ./models/ (or ?models=URL) only when a stream names them.
import { decodeStream, imageFileBytes, inspectStream, modelsFromUrl } from './flowzip-decode.js';

const params = new URLSearchParams(location.search);
const fetchModel = modelsFromUrl(new URL(params.get('models') ?? 'models/', location.href));
/** Milliseconds spent fetching and checking models during the current decode (shown apart from the decode time). */
let modelMs = 0;
async function loadModel(id) {
  const t0 = performance.now();
  try {
    return await fetchModel(id);
  } finally {
    modelMs += performance.now() - t0;
  }
}
const $ = (id) => document.getElementById(id);

/** Scale of the view: small images are shown larger (pixelated), up to 512 px wide. */
function zoomFor(width) {
  return Math.max(1, Math.min(8, Math.floor(512 / width)));
}

/** Draws 8-bit interleaved samples (1–4 channels) on the canvas. */
function draw(image) {
  const { width, height, channels, samples } = image;
  const canvas = $('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.style.width = `${width * zoomFor(width)}px`;
  const ctx = canvas.getContext('2d');
  const rgba = ctx.createImageData(width, height);
  const d = rgba.data;
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    const gray = channels <= 2;
    d[4 * i] = samples[j];
    d[4 * i + 1] = gray ? samples[j] : samples[j + 1];
    d[4 * i + 2] = gray ? samples[j] : samples[j + 2];
    d[4 * i + 3] = channels === 2 ? samples[j + 1] : channels === 4 ? samples[j + 3] : 255;
  }
  ctx.putImageData(rgba, 0, 0);
  canvas.hidden = false;
  $('img').hidden = true;
}

/** Shows raw bytes that are themselves a picture (a palette PNG kept as bytes, say) as an <img>. */
async function showBytesAsPicture(bytes) {
  const img = $('img');
  img.src = URL.createObjectURL(new Blob([bytes]));
  try {
    await img.decode();
  } catch {
    return false;
  }
  img.style.width = `${img.naturalWidth * zoomFor(img.naturalWidth)}px`;
  img.hidden = false;
  $('canvas').hidden = true;
  return true;
}

function facts(rows) {
  const dl = $('facts');
  dl.replaceChildren();
  for (const [k, v] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
}

const kib = (n) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`);

async function show(bytes, name) {
  const status = $('status');
  status.className = '';
  status.textContent = `decoding ${name}…`;
  document.body.dataset.state = 'decoding';
  try {
    const info = inspectStream(bytes);
    modelMs = 0;
    const t0 = performance.now();
    const d = await decodeStream(bytes, { loadModel });
    const ms = performance.now() - t0 - modelMs;
    const rows = [
      ['file', name],
      ['stream', `${kib(bytes.length)}, format version ${info.formatVersion}, method ${info.method}`],
    ];
    let file;
    if (d.kind === 'image') {
      const im = d.image;
      draw(im);
      file = imageFileBytes(im);
      rows.push(
        ['image', `${im.width} × ${im.height}, ${im.channels} channel${im.channels > 1 ? 's' : ''}, ${im.bitDepth}-bit ${im.format.toUpperCase()}`],
        ['bpsp', `${((bytes.length * 8) / (im.width * im.height * im.channels)).toFixed(3)} bits per subpixel`],
        ['model', im.models.map((m) => `${m.name} (${m.id})`).join(', ')],
      );
    } else {
      file = d.bytes;
      const pictured = await showBytesAsPicture(file);
      rows.push(['content', `${kib(file.length)} of raw bytes${pictured ? ' (a picture the browser shows)' : ''}`]);
      if (!pictured) $('canvas').hidden = $('img').hidden = true;
    }
    rows.push(['decode time', `${ms.toFixed(1)} ms${modelMs >= 0.5 ? ` (and ${modelMs.toFixed(0)} ms fetching the model)` : ''}`]);
    facts(rows);
    const a = $('download');
    a.href = URL.createObjectURL(new Blob([file]));
    a.download = name.replace(/\.fz$/, '') || 'decoded';
    $('result').hidden = false;
    status.textContent = '';
    document.body.dataset.state = 'done';
  } catch (e) {
    $('result').hidden = true;
    status.className = 'error';
    status.textContent = `${name}: ${e.code ? `${e.code}: ` : ''}${e.message}`;
    document.body.dataset.state = 'error';
  }
}

async function showFile(file) {
  await show(new Uint8Array(await file.arrayBuffer()), file.name);
}

$('file').addEventListener('change', (e) => {
  const f = e.target.files?.[0];
  if (f) void showFile(f);
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer?.files?.[0];
  if (f) void showFile(f);
});

const src = params.get('src');
if (src) {
  const res = await fetch(src);
  if (res.ok) await show(new Uint8Array(await res.arrayBuffer()), decodeURIComponent(src.split('/').pop()));
  else $('status').textContent = `cannot fetch ${src} (HTTP ${res.status})`;
} else document.body.dataset.state = 'ready';
