// Summarises V8 CPU profiles (from `BENCH_CPU_PROF=1 npm run bench`, or `node --cpu-prof`):
// self time per function, and total (inclusive) time of the functions whose location matches an
// optional filter.
//
//   node .build/bench/profile-summary.js <file.cpuprofile> [top=25] [filter=nestjs-route-cors]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const path = url.replace(/^file:\/\//, '');
  // `~/package/...` for dependencies; `dist/...` (this library), `.build/...` (the benchmark) otherwise.
  const file = path.includes('/node_modules/') ? path.replace(/^.*\/node_modules\//, '~/') : path.replace(/^.*\/(dist|lib|\.build)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

function summarise(path: string, top: number, filter: string | undefined): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfTime = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
  });

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, t] of selfTime) {
    const node = byId.get(id)!;
    self.set(label(node), (self.get(label(node)) ?? 0) + t);
    // Inclusive: every distinct function on the stack of this sample.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + t);
    }
  }
  const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const lines = [`${path}: ${(total / 1e6).toFixed(1)} s sampled`, '', 'self time:'];
  for (const [l, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t)}  ${l}`);
  if (filter) {
    lines.push('', `total time (inclusive) of functions matching "${filter}":`);
    const matching = [...inclusive].filter(([l]) => l.includes(filter)).sort((a, b) => b[1] - a[1]);
    for (const [l, t] of matching.slice(0, top)) lines.push(`  ${pct(t)}  ${l}`);
  }
  return lines.join('\n');
}

const [file, top, filter] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node .build/bench/profile-summary.js <file.cpuprofile> [top=25] [filter]\n');
  process.exitCode = 2;
} else {
  process.stdout.write(`${summarise(file, Number(top ?? 25), filter)}\n`);
}
