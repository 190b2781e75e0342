// The `nestjs-route-cors` command: arguments in, report out, exit status back. The application is
// booted through `boot` (load-app.ts in the real command), so everything else here runs in tests.
import { readFileSync } from 'node:fs';
import { parseCliArgs, USAGE, type ReportArgs } from './args.js';
import { bootApp, ReportError, type BootApp, type BootedApp } from './load-app.js';
import { diffReports, parseSnapshot } from './snapshot-diff.js';

/** Where the command writes. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

/** Exit statuses: done or unchanged; the snapshot differs; no report could be made. */
export const EXIT = { ok: 0, differs: 1, failed: 2 } as const;

export async function runCli(argv: readonly string[], output: CliOutput, boot: BootApp = bootApp): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (parsed.kind === 'help') {
    output.out(USAGE);
    return EXIT.ok;
  }
  if (parsed.kind === 'error') {
    output.err(`${parsed.message}\n\n${USAGE}`);
    return EXIT.failed;
  }
  try {
    return await report(parsed.args, output, boot);
  } catch (error) {
    output.err(
      `nestjs-route-cors report: ${error instanceof Error && !(error instanceof ReportError) ? (error.stack ?? error.message) : (error as Error).message}`,
    );
    return EXIT.failed;
  }
}

async function report(args: ReportArgs, output: CliOutput, boot: BootApp): Promise<number> {
  // Read the snapshot first: a missing file is reported without booting anything.
  const expected = args.check === undefined ? undefined : parseSnapshot(readSnapshot(args.check), args.check);
  const app: BootedApp = await boot(args.app, args.module, args.timeoutSeconds * 1000, args.platform);
  let routes;
  let table;
  try {
    routes = app.inspector.routes();
    table = app.inspector.format();
  } finally {
    await app.close();
  }
  if (expected) {
    const diff = diffReports(expected, routes, args.check!, args.app);
    output.out(diff.lines.join('\n'));
    return diff.same ? EXIT.ok : EXIT.differs;
  }
  output.out(args.json ? JSON.stringify(routes, null, 2) : `${app.moduleName} (${args.app})\n${table}`);
  return EXIT.ok;
}

function readSnapshot(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ReportError(
      `Cannot read the snapshot ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Write it with: nestjs-route-cors report <app> --json > ${file}`,
    );
  }
}
