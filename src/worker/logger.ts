import pino from 'pino';

/** The process logger (JSON lines; `SWEEPFLOW_LOG_LEVEL` sets the level). */
export const logger = pino({ name: 'sweepflow', level: process.env.SWEEPFLOW_LOG_LEVEL ?? 'info' });
