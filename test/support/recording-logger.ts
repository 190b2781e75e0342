import type { LoggerService } from '@nestjs/common';

/** A LoggerService that records every line (level, message, context). */
export class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string; context?: string }[] = [];
  private record(level: string, message: unknown, rest: unknown[]): void {
    const last = rest[rest.length - 1];
    this.lines.push({
      level,
      message: message instanceof Error ? String(message.stack) : String(message),
      context: typeof last === 'string' ? last : undefined,
    });
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.record('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.record('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.record('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.record('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.record('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.record('fatal', message, rest);
  }
  /** Lines at error or fatal level, and anything that says the CORS hook failed. */
  failures(): string[] {
    return this.lines
      .filter((l) => l.level === 'error' || l.level === 'fatal' || l.message.includes('CORS hook failed'))
      .map((l) => `[${l.level}${l.context ? ` ${l.context}` : ''}] ${l.message}`);
  }
  /** Lines logged under a context (e.g. 'CorsModule'). */
  from(context: string): string[] {
    return this.lines.filter((l) => l.context === context).map((l) => l.message);
  }
}
