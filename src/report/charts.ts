/** Inline SVG charts (no library, no network): the report must open anywhere, offline. */

export interface Series {
  name: string;
  color: string;
  values: number[];
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(0)}K`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/**
 * Vertical bars, stacked when several series are given (or side by side with `grouped`, for measures that
 * do not add up); negative values grow down from the zero line. Each bar carries a <title> tooltip.
 */
export function barChart(id: string, title: string, labels: string[], series: Series[], opts: { width?: number; height?: number; grouped?: boolean } = {}): string {
  if (opts.grouped && series.length > 1) return groupedBars(id, title, labels, series, opts);
  const width = opts.width ?? 560, height = opts.height ?? 260;
  const left = 56, right = 12, top = 30, bottom = 58;
  const plotW = width - left - right, plotH = height - top - bottom;
  const totals = labels.map((_, i) => series.reduce((s, se) => s + Math.max(0, se.values[i] ?? 0), 0));
  const mins = labels.map((_, i) => series.reduce((s, se) => s + Math.min(0, se.values[i] ?? 0), 0));
  const max = Math.max(1e-9, ...totals), min = Math.min(0, ...mins);
  const span = max - min || 1;
  const y = (v: number): number => top + plotH * (1 - (v - min) / span);
  const bw = labels.length ? plotW / labels.length : plotW;
  const parts: string[] = [`<svg id="${esc(id)}" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">`,
    `<text x="${left}" y="18" class="ct">${esc(title)}</text>`,
    `<line x1="${left}" x2="${width - right}" y1="${y(0)}" y2="${y(0)}" class="axis"/>`,
    `<text x="${left - 6}" y="${y(max) + 4}" class="tick" text-anchor="end">${fmt(max)}</text>`];
  if (min < 0) parts.push(`<text x="${left - 6}" y="${y(min) + 4}" class="tick" text-anchor="end">${fmt(min)}</text>`);
  labels.forEach((label, i) => {
    let up = 0, down = 0;
    const x = left + i * bw + bw * 0.1, w = Math.max(1, bw * 0.8);
    for (const se of series) {
      const v = se.values[i] ?? 0;
      if (v === 0) continue;
      const y0 = v > 0 ? y(up + v) : y(down);
      const h = Math.abs(y(0) - y(Math.abs(v))) || 0.5;
      if (v > 0) up += v;
      else down += v;
      parts.push(`<rect class="bar" x="${x.toFixed(1)}" y="${y0.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${se.color}"><title>${esc(label)} ${esc(se.name)}: ${fmt(v)}</title></rect>`);
    }
    if (labels.length <= 40 || i % Math.ceil(labels.length / 40) === 0) {
      parts.push(`<text class="tick" transform="translate(${(x + w / 2).toFixed(1)},${height - bottom + 12}) rotate(45)">${esc(label.length > 12 ? label.slice(0, 11) + '…' : label)}</text>`);
    }
  });
  if (series.length > 1) {
    series.forEach((se, k) => parts.push(`<rect x="${left + k * 110}" y="${height - 14}" width="10" height="10" fill="${se.color}"/><text x="${left + k * 110 + 14}" y="${height - 5}" class="tick">${esc(se.name)}</text>`));
  }
  parts.push('</svg>');
  return parts.join('');
}

function legend(series: readonly { name: string; color: string }[], left: number, y: number): string {
  return series.map((se, k) => `<rect x="${left + k * 110}" y="${y - 9}" width="10" height="10" fill="${se.color}"/><text x="${left + k * 110 + 14}" y="${y}" class="tick">${esc(se.name.length > 15 ? se.name.slice(0, 14) + '…' : se.name)}</text>`).join('');
}

/** Bars side by side per label, one per series (values of different measures, signs allowed). */
function groupedBars(id: string, title: string, labels: string[], series: Series[], opts: { width?: number; height?: number }): string {
  const width = opts.width ?? 560, height = opts.height ?? 260;
  const left = 56, right = 12, top = 30, bottom = 58;
  const plotW = width - left - right, plotH = height - top - bottom;
  const all = series.flatMap((se) => se.values.filter(Number.isFinite));
  const max = Math.max(1e-9, ...all), min = Math.min(0, ...all);
  const span = max - min || 1;
  const y = (v: number): number => top + plotH * (1 - (v - min) / span);
  const slot = labels.length ? plotW / labels.length : plotW;
  const bw = Math.max(1, (slot * 0.8) / series.length);
  const parts = [`<svg id="${esc(id)}" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">`,
    `<text x="${left}" y="18" class="ct">${esc(title)}</text>`,
    `<line x1="${left}" x2="${width - right}" y1="${y(0)}" y2="${y(0)}" class="axis"/>`,
    `<text x="${left - 6}" y="${y(max) + 4}" class="tick" text-anchor="end">${fmt(max)}</text>`];
  if (min < 0) parts.push(`<text x="${left - 6}" y="${y(min) + 4}" class="tick" text-anchor="end">${fmt(min)}</text>`);
  labels.forEach((label, i) => {
    series.forEach((se, k) => {
      const v = se.values[i];
      if (!Number.isFinite(v) || v === 0) return;
      const x = left + i * slot + slot * 0.1 + k * bw;
      const y0 = v > 0 ? y(v) : y(0);
      parts.push(`<rect class="bar" x="${x.toFixed(1)}" y="${y0.toFixed(1)}" width="${bw.toFixed(1)}" height="${(Math.abs(y(0) - y(v)) || 0.5).toFixed(1)}" fill="${se.color}"><title>${esc(label)} ${esc(se.name)}: ${fmt(v)}</title></rect>`);
    });
    if (labels.length <= 40 || i % Math.ceil(labels.length / 40) === 0) {
      parts.push(`<text class="tick" transform="translate(${(left + i * slot + slot / 2).toFixed(1)},${height - bottom + 12}) rotate(45)">${esc(label.length > 12 ? label.slice(0, 11) + '…' : label)}</text>`);
    }
  });
  parts.push(legend(series, left, height - 5), '</svg>');
  return parts.join('');
}

/**
 * Lines over ordered x labels (horizons), one per series; a null value breaks its line. Each point carries
 * a <title> tooltip.
 */
export function lineChart(id: string, title: string, labels: string[], series: { name: string; color: string; values: (number | null)[] }[], opts: { width?: number; height?: number; unit?: string } = {}): string {
  const width = opts.width ?? 560, height = opts.height ?? 260;
  const left = 56, right = 16, top = 30, bottom = 58;
  const plotW = width - left - right, plotH = height - top - bottom;
  const all = series.flatMap((se) => se.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const max = Math.max(0, ...all), min = Math.min(0, ...all);
  const span = max - min || 1;
  const y = (v: number): number => top + plotH * (1 - (v - min) / span);
  const x = (i: number): number => left + (labels.length > 1 ? (plotW * i) / (labels.length - 1) : plotW / 2);
  const parts = [`<svg id="${esc(id)}" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">`,
    `<text x="${left}" y="18" class="ct">${esc(title)}</text>`,
    `<line x1="${left}" x2="${width - right}" y1="${y(0)}" y2="${y(0)}" class="axis"/>`,
    `<text x="${left - 6}" y="${y(max) + 4}" class="tick" text-anchor="end">${fmt(max)}</text>`,
    `<text x="${left - 6}" y="${y(min) + 4}" class="tick" text-anchor="end">${fmt(min)}</text>`];
  labels.forEach((l, i) => parts.push(`<text class="tick" x="${x(i).toFixed(1)}" y="${height - bottom + 14}" text-anchor="middle">${esc(l)}</text>`));
  for (const se of series) {
    let d = '';
    se.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) { d += ' '; return; }
      d += `${d === '' || d.endsWith(' ') ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      parts.push(`<circle class="point" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${se.color}"><title>${esc(se.name)} ${esc(labels[i])}: ${fmt(v)}${esc(opts.unit ?? '')}</title></circle>`);
    });
    parts.push(`<path class="line" d="${d.trim()}" fill="none" stroke="${se.color}" stroke-width="1.5"/>`);
  }
  parts.push(legend(series.slice(0, 5), left, height - 5), '</svg>');
  return parts.join('');
}

/** A palette for lines of several securities. */
export const PALETTE = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#ad1457', '#4e342e'];
