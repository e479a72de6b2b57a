/**
 * Worker settings read straight from the environment (not part of a run's config): each is validated, so a
 * typo or a hostile value is an error naming the variable, never a NaN or a negative number reaching the
 * SDK or the server.
 */
export class EnvError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'EnvError';
  }
}

/** An integer setting from `min` to `max`; `fallback` when the variable is unset or empty. */
export function envInt(name: string, min: number, max: number, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new EnvError(name, `'${raw}' is not an integer from ${min} to ${max}`);
  return v;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** SWEEPFLOW_LOG_LEVEL: one of pino's levels. @default "info" */
export function envLogLevel(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.SWEEPFLOW_LOG_LEVEL;
  if (raw === undefined || raw === '') return 'info';
  if (!LOG_LEVELS.includes(raw)) throw new EnvError('SWEEPFLOW_LOG_LEVEL', `'${raw}' is not one of ${LOG_LEVELS.join(', ')}`);
  return raw;
}
