/**
 * Micro-benchmark of the ACL check done at every accept (not a test: `pnpm --filter
 * @lapps/tls-transport bench`): `createAcl(...).allows()` on net.BlockList against a naive
 * JavaScript loop over IPv4 networks, as a hand-written ACL would do it.
 * Measured here (Node 20): BlockList about 0.7M checks/s, the naive loop 3-5M: BlockList
 * crosses into C++ per call. At one check per accepted connection that is ~1.3 µs per accept,
 * and it buys IPv6, IPv4-mapped addresses and validated entries, so we keep it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { createAcl } from '../src/index.js';

// A realistic ws.json ACL: a few hosts and networks, classful entries included.
const EXCLUDE = [
  '10.0.0.0',
  '172.16.0.0/12',
  '192.168.1.0',
  '203.0.113.7',
  '198.51.100.0/24',
  '127.0.0.1',
];
const ADDRESSES = [
  '10.1.2.3',
  '192.0.2.1',
  '172.20.0.9',
  '203.0.113.7',
  '8.8.8.8',
  '::ffff:192.168.1.5',
];

const acl = createAcl({ policy: 'allow', exclude: EXCLUDE }, 'bench');

/** The same rules by hand: [network, mask] as unsigned 32-bit numbers, classful rule included. */
const naiveRules = EXCLUDE.map((entry): [number, number] => {
  const [address = '', prefixText] = entry.split('/');
  const network = toNumber(address);
  const first = network >>> 24;
  const classful =
    first < 128 && (network & 0x00ffffff) === 0
      ? 8
      : first < 192 && (network & 0xffff) === 0
        ? 16
        : first < 224 && (network & 0xff) === 0
          ? 24
          : 32;
  const prefix = prefixText === undefined ? classful : Number(prefixText);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [(network & mask) >>> 0, mask];
});

function toNumber(address: string): number {
  const parts = address.split('.').map(Number);
  return (
    (((parts[0] ?? 0) << 24) |
      ((parts[1] ?? 0) << 16) |
      ((parts[2] ?? 0) << 8) |
      (parts[3] ?? 0)) >>>
    0
  );
}

function naiveAllows(address: string): boolean {
  const ipv4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  const value = toNumber(ipv4);
  for (const [network, mask] of naiveRules) {
    if ((value & mask) >>> 0 === network) return false;
  }
  return true;
}

// What is timed must be right first.
const expected = [false, true, false, false, true, false];
ADDRESSES.forEach((address, index) => {
  if (acl.allows(address) !== expected[index])
    throw new Error(`createAcl: wrong answer for ${address}`);
  if (naiveAllows(address) !== expected[index])
    throw new Error(`naive: wrong answer for ${address}`);
});

let sink = 0;
const bench = new Bench({ time: 1000 });
bench
  .add('naive JS loop over IPv4 networks (IPv4 only)', () => {
    for (const address of ADDRESSES) if (naiveAllows(address)) sink++;
  })
  .add('createAcl().allows() on net.BlockList (IPv4 and IPv6)', () => {
    for (const address of ADDRESSES) if (acl.allows(address)) sink++;
  });

await bench.run();
if (sink === 0) throw new Error('unreachable');

console.log(
  `${ADDRESSES.length} addresses per op, ${EXCLUDE.length} ACL entries; Node ${process.version}`,
);
console.table(
  bench.tasks.map((task) => ({
    name: task.name,
    'ops/s': Math.round(opsPerSecond(task)).toLocaleString('en-US'),
    'checks/s': Math.round(opsPerSecond(task) * ADDRESSES.length).toLocaleString('en-US'),
  })),
);

function opsPerSecond(task: (typeof bench.tasks)[number]): number {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
  return result.throughput.mean;
}

const naiveOps = opsPerSecond(bench.tasks[0]!);
const aclOps = opsPerSecond(bench.tasks[1]!);
const summary = [
  {
    benchmark: `ACL check, ${EXCLUDE.length} entries (${ADDRESSES.length} addresses per op)`,
    ours: `${Math.round(aclOps).toLocaleString('en-US')} ops/s`,
    baseline: `naive IPv4 loop ${Math.round(naiveOps).toLocaleString('en-US')} ops/s`,
    ratio: `${(aclOps / naiveOps).toFixed(2)}x`,
  },
];
// `pnpm bench` at the repository root prints one summary of every package (scripts/bench.mjs).
const summaryDir = process.env['LAPPS_BENCH_SUMMARY_DIR'];
if (summaryDir !== undefined)
  writeFileSync(join(summaryDir, 'tls-transport.json'), JSON.stringify(summary));
