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
 * Vertical bars, stacked when several series are given; negative values (single series) grow down from
 * the zero line. Each bar carries a <title> tooltip.
 */
export function barChart(id: string, title: string, labels: string[], series: Series[], opts: { width?: number; height?: number } = {}): string {
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
