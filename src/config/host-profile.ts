import os from 'node:os';
import si from 'systeminformation';
import type { RunConfig } from './schema';

/** How a worker sizes itself on this host. */
export interface HostProfile {
  preset: 'laptop' | 'workstation' | 'server';
  cores: number;
  totalMemoryMB: number;
  availableMemoryMB: number;
  /** Concurrent activities of one worker. */
  activitySlots: number;
  /** Rows per ingest chunk. */
  chunkRows: number;
}

const PRESETS = {
  laptop: { slotsPerCore: 1, maxSlots: 4, chunkRows: 50_000 },
  workstation: { slotsPerCore: 1, maxSlots: 16, chunkRows: 200_000 },
  server: { slotsPerCore: 1, maxSlots: 64, chunkRows: 500_000 },
} as const;

export function choosePreset(cores: number, totalMemoryMB: number): HostProfile['preset'] {
  if (cores >= 16 && totalMemoryMB >= 64 * 1024) return 'server';
  if (cores >= 4 && totalMemoryMB >= 8 * 1024) return 'workstation';
  return 'laptop';
}

/** Pure sizing rule, tested without a host: slots from cores, chunk rows bounded by available memory. */
export function sizeHost(
  cores: number, totalMemoryMB: number, availableMemoryMB: number, processing: RunConfig['processing'],
): HostProfile {
  const preset = processing.preset === 'auto' ? choosePreset(cores, totalMemoryMB) : processing.preset;
  const p = PRESETS[preset];
  // Shard parsing runs on a thread pool of one thread per core whatever the slots; job activities are short
  // and partly I/O-bound, so two slots per core (at least 4) keep the cores busy without oversubscribing.
  const autoSlots = Math.max(4, Math.min(p.maxSlots, cores * 2 * p.slotsPerCore));
  // ~1 KB per buffered row; never plan more than a quarter of available memory for chunks of all slots.
  const memRows = Math.floor((availableMemoryMB * 1024 * 0.25) / Math.max(1, autoSlots));
  const autoChunk = Math.max(10_000, Math.min(p.chunkRows, memRows));
  return {
    preset, cores, totalMemoryMB, availableMemoryMB,
    activitySlots: processing.activitySlots === 'auto' ? autoSlots : processing.activitySlots,
    chunkRows: processing.chunkRows === 'auto' ? autoChunk : processing.chunkRows,
  };
}

/** Reads the host with systeminformation (falls back to os when it cannot). */
export async function detectHost(processing: RunConfig['processing']): Promise<HostProfile> {
  let cores = os.availableParallelism();
  let total = os.totalmem(), available = os.freemem();
  try {
    const [cpu, mem] = await Promise.all([si.cpu(), si.mem()]);
    cores = cpu.cores || cores;
    total = mem.total || total;
    available = mem.available || available;
  } catch {
    // keep the os figures
  }
  const mb = (b: number): number => Math.round(b / 1024 / 1024);
  return sizeHost(cores, mb(total), mb(available), processing);
}
