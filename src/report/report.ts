import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { parseCsvObjects } from '../io/csv-tokenizer';
import { barChart, lineChart, PALETTE } from './charts';

/** What the report shows; read from a run's output folder (summary.json, jobs.csv, rollups/*.csv). */
export interface ReportData {
  summary: {
    run: { name: string; startedAt: string; finishedAt: string };
    jobs: { total: number; done: number; skipped: number; failed: number; empty: number };
    orders: number;
    reconciliation: { total: { read: number; kept: number; filtered: number; rejected: number } };
  };
  jobs: { security: string; date: string; status: string; error: string }[];
  levels: Record<string, Record<string, string>[]>;
}

const STATUS_CODES: Record<string, number> = { done: 1, skipped: 2, failed: 3, empty: 4 };

export async function readReportData(out: string): Promise<ReportData> {
  const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as ReportData['summary'];
  const jobs = parseCsvObjects(await readFile(path.join(out, 'jobs.csv'))) as ReportData['jobs'];
  const levels: ReportData['levels'] = {};
  for (const f of (await readdir(path.join(out, 'rollups'))).filter((x) => x.endsWith('.csv')).sort()) {
    levels[f.replace(/\.csv$/, '')] = parseCsvObjects(await readFile(path.join(out, 'rollups', f)));
  }
  return { summary, jobs, levels };
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const num = (v: string | undefined): number => (v === undefined || v === '' ? 0 : Number(v));
const n0 = (v: number): string => Math.round(v).toLocaleString('en');

const bps = (v: string | undefined): string => (v === undefined || v === '' ? '-' : `${Number(v).toFixed(2)} bps`);
const numOrNull = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));

/** Horizon labels of the columns `<prefix><label><suffix>` of a rollup row, in column order. */
function horizonsOf(row: Record<string, string> | undefined, prefix: string, suffix: string): string[] {
  return Object.keys(row ?? {}).filter((k) => k.startsWith(prefix) && k.endsWith(suffix)).map((k) => k.slice(prefix.length, k.length - suffix.length));
}

/**
 * DOMAIN.md section 12's charts: markout curves (the largest securities, and sweeps against other orders),
 * the fill-probability curve, effective spread and price improvement by security and by participant.
 */
function executionQualityCharts(d: ReportData, bySec: Record<string, string>[]): string[] {
  const g = d.levels.global?.[0];
  const markouts = horizonsOf(g, 'mean_markout_', '_bps');
  const fills = horizonsOf(g, 'fill_prob_', '');
  const kinds = new Map((d.levels.order_kind ?? []).map((r) => [r.key, r]));
  const topSec = bySec.slice(0, PALETTE.length);
  const byParticipant = [...(d.levels.participant ?? [])].sort((a, b) => num(b.fills) - num(a.fills)).slice(0, 40);
  const spreadBars = (id: string, what: string, rows: Record<string, string>[]): string => barChart(id, `Effective spread and price improvement by ${what} (bps, fill-weighted)`, rows.map((r) => r.key), [
    { name: 'effective spread', color: '#c62828', values: rows.map((r) => num(r.mean_effective_spread_bps)) },
    { name: 'price improvement', color: '#2e7d32', values: rows.map((r) => num(r.mean_price_improvement_bps)) },
  ], { grouped: true });
  return [
    lineChart('chart-markout-security', 'Markout by horizon, by security (bps; negative = adverse selection)', markouts,
      topSec.map((r, i) => ({ name: r.key, color: PALETTE[i], values: markouts.map((h) => numOrNull(r[`mean_markout_${h}_bps`])) })), { unit: ' bps' }),
    lineChart('chart-markout-kind', 'Markout by horizon: sweeps against other orders (bps)', markouts, [
      { name: 'sweeps', color: '#ef6c00', values: markouts.map((h) => numOrNull(kinds.get('sweep')?.[`mean_markout_${h}_bps`])) },
      { name: 'other orders', color: '#1565c0', values: markouts.map((h) => numOrNull(kinds.get('other')?.[`mean_markout_${h}_bps`])) },
    ], { unit: ' bps' }),
    lineChart('chart-fill-probability', 'Fill probability by horizon (censoring-aware)', fills, [
      { name: 'all orders', color: '#1565c0', values: fills.map((h) => numOrNull(g?.[`fill_prob_${h}`])) },
      { name: 'sweeps', color: '#ef6c00', values: fills.map((h) => numOrNull(g?.[`sweep_fill_prob_${h}`])) },
    ]),
    spreadBars('chart-spread-security', 'security', bySec),
    spreadBars('chart-spread-participant', 'participant', byParticipant),
    barChart('chart-outside-nbbo', 'Fills outside the NBBO by security', bySec.map((r) => r.key), [{ name: 'outside', color: '#6d4c41', values: bySec.map((r) => num(r.outside_nbbo_fills)) }]),
  ];
}

/** The self-contained report page (no network: inline CSS, SVG and script). */
export function renderReport(d: ReportData): string {
  const g = d.levels.global?.[0] ?? {};
  const s = d.summary;
  const bySec = [...(d.levels.security ?? [])].sort((a, b) => num(b.orders) - num(a.orders)).slice(0, 40);
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  const hourRows = new Map((d.levels.hour ?? []).map((r) => [r.key, r]));
  // Size buckets in size order ("<=1K", "1K-5K", ..., ">50K"), not alphabetical.
  const bucketRank = (k: string): number => {
    const m = /([\d.]+)([KM]?)/.exec(k);
    const v = m ? Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'K' ? 1e3 : 1) : 0;
    return k.startsWith('<=') ? -1 : k.startsWith('>') ? Number.MAX_SAFE_INTEGER : v;
  };
  const sizes = [...(d.levels.size_bucket ?? [])].sort((a, b) => bucketRank(a.key) - bucketRank(b.key));
  const charts = [
    barChart('chart-fill-status', 'Fill status by security (orders)', bySec.map((r) => r.key), [
      { name: 'filled', color: '#2e7d32', values: bySec.map((r) => num(r.filled)) },
      { name: 'partial', color: '#f9a825', values: bySec.map((r) => num(r.partial)) },
      { name: 'unfilled', color: '#9e9e9e', values: bySec.map((r) => num(r.unfilled)) },
    ]),
    barChart('chart-hour', 'Time of day (Sydney): orders by arrival hour', hours, [{ name: 'orders', color: '#1565c0', values: hours.map((h) => num(hourRows.get(h)?.orders)) }]),
    barChart('chart-size', 'Orders by size bucket (final quantity)', sizes.map((r) => r.key), [{ name: 'orders', color: '#6a1b9a', values: sizes.map((r) => num(r.orders)) }]),
    barChart('chart-cost', 'Mean arrival cost by security (bps, quantity-weighted)', bySec.map((r) => r.key), [{ name: 'bps', color: '#c62828', values: bySec.map((r) => num(r.mean_arrival_cost_bps)) }]),
    barChart('chart-improvement', 'Simulated price improvement by security (bps)', bySec.map((r) => r.key), [{ name: 'bps', color: '#00838f', values: bySec.map((r) => num(r.mean_sim_price_improvement_bps)) }]),
    ...executionQualityCharts(d, bySec),
  ];
  const securities = [...new Set(d.jobs.map((j) => j.security))].sort();
  const dates = [...new Set(d.jobs.map((j) => j.date))].sort();
  const si = new Map(securities.map((x, i) => [x, i])), di = new Map(dates.map((x, i) => [x, i]));
  const cells = new Array<number>(securities.length * dates.length).fill(0);
  const errors: Record<string, string> = {};
  for (const j of d.jobs) {
    cells[si.get(j.security)! * dates.length + di.get(j.date)!] = STATUS_CODES[j.status] ?? 0;
    if (j.error) errors[`${j.security}|${j.date}`] = j.error.slice(0, 300);
  }
  const headline: [string, string][] = [
    ['jobs', `${n0(s.jobs.total)} (${n0(s.jobs.done)} done, ${n0(s.jobs.skipped)} skipped, ${n0(s.jobs.failed)} failed, ${n0(s.jobs.empty)} empty)`],
    ['Centre Point orders', n0(num(g.orders))], ['sweeps', n0(num(g.sweeps))], ['participants', n0(num(g.participants))],
    ['filled quantity', n0(num(g.filled_qty))], ['VWAP', g.vwap ? num(g.vwap).toFixed(2) : '-'],
    ['mean arrival cost', g.mean_arrival_cost_bps ? `${num(g.mean_arrival_cost_bps).toFixed(2)} bps` : '-'],
    ['simulation', `${n0(num(g.sim_candidates))} candidates, ${n0(num(g.sim_filled_qty))} of ${n0(num(g.residual_qty))} residual filled`],
    ['mean simulated price improvement', g.mean_sim_price_improvement_bps ? `${num(g.mean_sim_price_improvement_bps).toFixed(2)} bps` : '-'],
    ['fills', `${n0(num(g.fills))}, of which ${n0(num(g.outside_nbbo_fills))} outside the NBBO`],
    ['execution quality', `effective spread ${bps(g.mean_effective_spread_bps)}, price improvement ${bps(g.mean_price_improvement_bps)}, shortfall ${bps(g.mean_implementation_shortfall_bps)}`],
    ['Centre Point share', g.centre_point_share ? `${(num(g.centre_point_share) * 100).toFixed(1)}% of traded quantity` : '-'],
    ['rows', `${n0(s.reconciliation.total.read)} read = ${n0(s.reconciliation.total.kept)} kept + ${n0(s.reconciliation.total.filtered)} filtered + ${n0(s.reconciliation.total.rejected)} rejected`],
  ];
  const payload = JSON.stringify({ securities, dates, cells: cells.join(''), errors, levels: d.levels }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sweepflow report: ${esc(s.run.name)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
.sub{color:#666;margin-bottom:16px} dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dt{color:#555} dd{margin:0;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:16px} .chart{border:1px solid #ddd;border-radius:6px;background:#fff}
.ct{font-size:13px;font-weight:600} .tick{font-size:10px;fill:#555} .axis{stroke:#999}
#grid{border:1px solid #ccc;image-rendering:pixelated;cursor:crosshair} .legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
#gridinfo{min-height:20px;color:#333;margin-top:4px}
table{border-collapse:collapse;font-size:12px;width:100%} th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:right}
th{cursor:pointer;background:#f5f5f5;position:sticky;top:0} th:first-child,td:first-child{text-align:left}
.scroll{overflow-x:auto;max-width:100%} .tabs button{margin:0 4px 6px 0} .tabs button.on{font-weight:700} .pager{margin:6px 0}
</style></head><body>
<h1>sweepflow run ${esc(s.run.name)}</h1>
<div class="sub">started ${esc(s.run.startedAt)}, finished ${esc(s.run.finishedAt)}</div>
<dl id="headline">${headline.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<h2>Jobs: security x date</h2>
<div class="legend"><span><i style="background:#2e7d32"></i>done</span><span><i style="background:#81c784"></i>skipped (unchanged)</span><span><i style="background:#c62828"></i>failed</span><span><i style="background:#bdbdbd"></i>empty</span><span><i style="background:#fff;border:1px solid #ccc"></i>no job</span></div>
<canvas id="grid"></canvas><div id="gridinfo">${securities.length} securities x ${dates.length} dates; hover a cell</div>
<h2>Charts</h2><div class="charts">${charts.join('')}</div>
<h2>Rollups</h2><div class="tabs" id="tabs"></div><div class="pager" id="pager"></div><div class="scroll"><table id="table"><thead></thead><tbody></tbody></table></div>
<script id="data" type="application/json">${payload}</script>
<script>
(function(){
var D=JSON.parse(document.getElementById('data').textContent);
var colors=['#ffffff','#2e7d32','#81c784','#c62828','#bdbdbd'],names=['no job','done','skipped','failed','empty'];
var c=document.getElementById('grid'),S=D.securities.length,T=D.dates.length;
var L=S<=120?72:0,TP=T<=60?64:0;
var cell=Math.max(2,Math.min(28,Math.floor((1100-L)/Math.max(1,T)),Math.max(2,Math.floor(900/Math.max(1,S)))));
c.width=Math.max(1,L+T*cell);c.height=Math.max(1,TP+S*cell);
var x=c.getContext('2d');x.font='10px sans-serif';x.fillStyle='#333';
if(L)for(var i=0;i<S;i++)x.fillText(D.securities[i],2,TP+i*cell+Math.min(cell,14)-3);
if(TP)for(var j=0;j<T;j++){x.save();x.translate(L+j*cell+Math.min(cell,12)-2,TP-4);x.rotate(-Math.PI/2);x.fillText(D.dates[j],0,0);x.restore();}
for(var i=0;i<S;i++)for(var j=0;j<T;j++){x.fillStyle=colors[+D.cells[i*T+j]];x.fillRect(L+j*cell,TP+i*cell,cell-(cell>6?1:0),cell-(cell>6?1:0));}
c.dataset.cells=String(S*T);
c.addEventListener('mousemove',function(e){var r=c.getBoundingClientRect(),j=Math.floor((e.clientX-r.left-L)/cell),i=Math.floor((e.clientY-r.top-TP)/cell);
if(i<0||j<0||i>=S||j>=T)return;var k=D.securities[i]+'|'+D.dates[j],st=names[+D.cells[i*T+j]];
document.getElementById('gridinfo').textContent=D.securities[i]+' '+D.dates[j]+': '+st+(D.errors[k]?' ('+D.errors[k]+')':'');});
var level=Object.keys(D.levels)[0],page=0,per=25,sortKey=null,asc=true;
function rows(){var r=D.levels[level].slice();if(sortKey){r.sort(function(a,b){var p=a[sortKey],q=b[sortKey],m=parseFloat(p),n=parseFloat(q);
var v=(!isNaN(m)&&!isNaN(n))?m-n:String(p).localeCompare(String(q));return asc?v:-v;});}return r;}
function draw(){var r=rows(),cols=r.length?Object.keys(r[0]):[];var pages=Math.max(1,Math.ceil(r.length/per));page=Math.min(page,pages-1);
var t=document.getElementById('table');t.tHead.innerHTML='<tr>'+cols.map(function(k){return '<th data-k="'+k+'">'+k+(sortKey===k?(asc?' \\u25b2':' \\u25bc'):'')+'</th>';}).join('')+'</tr>';
t.tBodies[0].innerHTML=r.slice(page*per,page*per+per).map(function(o){return '<tr>'+cols.map(function(k){var v=o[k];var n=parseFloat(v);
return '<td>'+(v!==''&&!isNaN(n)&&String(n)===v&&v.indexOf('.')>=0?n.toFixed(2):String(v).replace(/[&<>]/g,''))+'</td>';}).join('')+'</tr>';}).join('');
document.getElementById('pager').innerHTML='<button id="prev">prev</button> page <b id="pageno">'+(page+1)+'</b> of '+pages+' ('+r.length+' rows) <button id="next">next</button>';
document.getElementById('prev').onclick=function(){if(page>0){page--;draw();}};document.getElementById('next').onclick=function(){if(page<pages-1){page++;draw();}};
Array.prototype.forEach.call(t.tHead.querySelectorAll('th'),function(th){th.onclick=function(){var k=th.dataset.k;asc=sortKey===k?!asc:false;sortKey=k;draw();};});}
var tabs=document.getElementById('tabs');Object.keys(D.levels).forEach(function(l){var b=document.createElement('button');b.textContent=l;b.dataset.level=l;
b.onclick=function(){level=l;page=0;sortKey=null;Array.prototype.forEach.call(tabs.children,function(x){x.className=x.dataset.level===l?'on':'';});draw();};tabs.appendChild(b);});
tabs.children[0]&&(tabs.children[0].className='on');draw();
})();
</script></body></html>
`;
}

/** Rebuilds `<out>/report.html` from the run's output files. */
export async function buildReport(out: string): Promise<string> {
  const file = path.join(out, 'report.html');
  await writeFileAtomic(file, renderReport(await readReportData(out)));
  return file;
}
