#!/usr/bin/env node
// The `nestjs-route-cors` executable (package.json "bin"): runs the command and exits with its
// status once its output is written. Exiting explicitly: an application may leave timers or
// connections open after close(), and the report must not hang a CI job.
import { runCli } from './run.js';

const write = (stream: NodeJS.WriteStream) => (text: string) => stream.write(text.endsWith('\n') ? text : `${text}\n`);

void runCli(process.argv.slice(2), { out: write(process.stdout), err: write(process.stderr) }).then((status) => {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(status)));
});
