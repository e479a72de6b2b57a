/**
 * The run's shared vocabulary, declared once: where a run lives, the four-way count every row is part of,
 * and what one (security, date) job reads. Workflows, activities, steps and checks all use these.
 * Small, serialisable values: they travel through Temporal payloads (references and counts, never rows).
 */

/** Where a run lives; every step finds its plan and files from here. */
export interface RunRef {
  name: string;
  /** Absolute work folder of the run (plan, shards). */
  work: string;
  /** Absolute output folder of the run. */
  out: string;
  /** The plan this execution made (`Plan.id`): a step never works from another plan at the same path. */
  planId: string;
}

/** Every row read is kept, filtered out (counted) or rejected (written out with its reason). */
export interface Counts {
  read: number;
  kept: number;
  filtered: number;
  rejected: number;
}

export const zeroCounts = (): Counts => ({ read: 0, kept: 0, filtered: 0, rejected: 0 });

/** a + b, as a new value. */
export const addCounts = (a: Counts, b: Counts): Counts =>
  ({ read: a.read + b.read, kept: a.kept + b.kept, filtered: a.filtered + b.filtered, rejected: a.rejected + b.rejected });

/** One input kind of a job: its counts and its shard files, in input order. */
export interface KindInputs extends Counts {
  /** Shard files, relative to the work folder. */
  files: string[];
  sha1: string[];
}

/** What one (security, date) job reads, by input kind. */
export interface JobInputs {
  orders: KindInputs;
  trades: KindInputs;
  nbbo: KindInputs;
}
