/**
 * Packing input files into splits (units of shard work): small files are grouped until a split reaches
 * the target size, so 20,000 files of 10 KB do not become 20,000 activities; a large file is one split
 * per byte range of about the target size (cut points chosen by the caller at record starts).
 */
export interface SplitPart {
  /** Index of the file in the plan's file list. */
  file: number;
  /** Byte range [start, end); end = file size for a whole file. */
  start: number;
  end: number;
  /** Line number of the range's first record (1 for a file start: its header). */
  firstLine: number;
}

export interface Split {
  id: string;
  kind: string;
  parts: SplitPart[];
  bytes: number;
}

export interface PlannedFile {
  index: number;
  kind: string;
  size: number;
  /** Record-aligned cut points (byte offset, line number), for files larger than the target. */
  cuts?: { offset: number; line: number }[];
}

export function packSplits(files: readonly PlannedFile[], targetBytes: number): Split[] {
  const splits: Split[] = [];
  const byKind = new Map<string, PlannedFile[]>();
  for (const f of files) {
    const list = byKind.get(f.kind) ?? [];
    list.push(f);
    byKind.set(f.kind, list);
  }
  for (const [kind, list] of byKind) {
    let n = 0;
    const id = (): string => `${kind}-${String(n++).padStart(5, '0')}`;
    let current: Split | null = null;
    for (const f of list) {
      if (f.cuts && f.cuts.length > 0) {
        const bounds = [{ offset: 0, line: 1 }, ...f.cuts, { offset: f.size, line: -1 }];
        for (let i = 0; i + 1 < bounds.length; i++) {
          const part = { file: f.index, start: bounds[i].offset, end: bounds[i + 1].offset, firstLine: bounds[i].line };
          splits.push({ id: id(), kind, parts: [part], bytes: part.end - part.start });
        }
        continue;
      }
      if (!current || current.bytes + f.size > targetBytes) {
        if (current) splits.push(current);
        current = { id: id(), kind, parts: [], bytes: 0 };
      }
      current.parts.push({ file: f.index, start: 0, end: f.size, firstLine: 1 });
      current.bytes += f.size;
    }
    if (current) splits.push(current);
  }
  return splits;
}

/**
 * Relative cost of a byte of each kind in the shard step, measured on one thread of the bench machine: an
 * order or trade row takes about 9 ns a byte (67 MB of orders in 0.6-0.7 s), a quote row about 26 (43 MB
 * of NBBO in 1.05-1.35 s): quote rows are short, so their cost per row weighs more per byte.
 */
const SHARD_COST_PER_BYTE: Record<string, number> = { orders: 1, trades: 1, nbbo: 3 };

/**
 * The splits in the order the shard step is given them: longest first (by bytes times their kind's cost),
 * so that short splits fill the stage's end instead of a thread working alone on a long one while the
 * others wait for discovery (longest processing time first). Ties keep the plan's order. On the bench's
 * 41 splits, a two-thread schedule of their estimated times ends at 8.5 s in this order against 9.0 s in
 * the packing order, which put the NBBO split, the longest, last.
 */
export function shardOrder(splits: readonly Split[]): Split[] {
  const cost = (s: Split): number => s.bytes * (SHARD_COST_PER_BYTE[s.kind] ?? 1);
  return splits.map((s, i) => ({ s, i, c: cost(s) })).sort((a, b) => b.c - a.c || a.i - b.i).map((x) => x.s);
}
