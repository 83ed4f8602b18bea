// Sums a V8 .cpuprofile's self time by function name + url:line and prints the top N with
// percentages of the samples (and of the non-idle samples), then self time grouped by file, then
// the inclusive (total) time of the project's own functions (packages/, apps/): self time of the
// function and of everything it called.
// Usage: node profile-top.mjs FILE.cpuprofile [--top 30] [--inclusive 40]
//
// Taking a profile of the server under the LAppS load (from the repository root): DIR holds a
// ws.json (1 worker, port PORT) and a lapps.json like the ones protocol/run.mjs writes, and
// request.cbor / reply.cbor are the `messages.request` / `messages.reply` hex of a results JSON:
//   node --cpu-prof --cpu-prof-dir=/tmp/lapps-prof apps/lapps-server/dist/cli.js start --conf-dir DIR
//   node benchmarks/echo/load.mjs --port PORT --path /echo_lapps --send-file request.cbor \
//     --expect-file reply.cbor --seconds 10
//   then SIGINT the server: it exits cleanly and writes /tmp/lapps-prof/*.cpuprofile.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o, positionals } = parseArgs({
  options: {
    top: { type: 'string', default: '30' },
    inclusive: { type: 'string', default: '40' },
  },
  allowPositionals: true,
});
if (positionals.length !== 1) {
  console.error('usage: node profile-top.mjs FILE.cpuprofile [--top 30]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const top = Number(o.top);

// Self time per node: the time deltas of the samples that landed on it.
const selfUs = new Map();
const { samples, timeDeltas } = profile;
for (let i = 0; i < samples.length; i++) {
  selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
}
const short = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^.*?\/(packages|apps)\//, '$1/');
const byFn = new Map();
const byFile = new Map();
let total = 0;
let idle = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  total += us;
  if (name === '(idle)') idle += us;
  const file = url ? short(url) : '';
  const key = url ? `${name}  ${file}:${lineNumber + 1}` : name;
  byFn.set(key, (byFn.get(key) ?? 0) + us);
  const fileKey = file || name;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
}
const busy = total - idle;
const pct = (us, of) => ((100 * us) / of).toFixed(1).padStart(5);
console.log(
  `${positionals[0]}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s not idle ` +
    `(${samples.length} samples)\n`,
);
console.log('| # | self ms | % all | % busy | function  url:line |');
console.log('|---:|---:|---:|---:|---|');
[...byFn]
  .filter(([key]) => key !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)
  .forEach(([key, us], i) => {
    console.log(
      `| ${i + 1} | ${(us / 1e3).toFixed(0)} | ${pct(us, total)} | ${pct(us, busy)} | ${key.replace(/\|/g, '\\|')} |`,
    );
  });
console.log('\n| self ms | % busy | file |');
console.log('|---:|---:|---|');
for (const [file, us] of [...byFile]
  .filter(([file]) => file !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, 20)) {
  console.log(`| ${(us / 1e3).toFixed(0)} | ${pct(us, busy)} | ${file} |`);
}

// Inclusive time: every sample counts once for each distinct function on its stack.
const parent = new Map();
const nodeById = new Map();
for (const node of profile.nodes) {
  nodeById.set(node.id, node);
  for (const child of node.children ?? []) parent.set(child, node.id);
}
const keyOf = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  return url ? `${functionName || '(anonymous)'}  ${short(url)}:${lineNumber + 1}` : undefined;
};
const inclusive = new Map();
for (const [id, us] of selfUs) {
  const seen = new Set();
  for (let n = id; n !== undefined; n = parent.get(n)) {
    const key = keyOf(nodeById.get(n));
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
console.log('\n| total ms | % busy | project function (inclusive)  url:line |');
console.log('|---:|---:|---|');
for (const [key, us] of [...inclusive]
  .filter(([key]) => /\s(packages|apps)\//.test(key))
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(o.inclusive))) {
  console.log(`| ${(us / 1e3).toFixed(0)} | ${pct(us, busy)} | ${key.replace(/\|/g, '\\|')} |`);
}
