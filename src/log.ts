import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The root logger of this process. Modules take a child with `logger.child({ module })`
 * so every line says where it came from; the level is set once from config.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } });
}
