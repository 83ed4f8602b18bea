/** Test helpers: Lua services in temp folders, a recording host, a recording log. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LogFunction, ServiceHostLike } from '../src/host.js';
import type { MessageProtocol } from '../src/message-protocol.js';
import type { LuaModule } from '../src/module.js';
import { NetworkService } from '../src/network-service.js';

/** Writes `files` (relative path → Lua source) into a fresh temp folder and returns it. */
export function writeFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lua-bridge-'));
  for (const [path, code] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), code);
  }
  return dir;
}

/** A network service `svc` whose entries echo by default; `body` (Lua) overrides some. */
export function serviceSource(body: string): string {
  return `local svc = {}
function svc.onStart() end
function svc.onDisconnect(h) end
function svc.onShutdown() end
function svc.onMessage(h, op, msg) return ws:send(h, op, msg) end
${body}
return svc
`;
}

export interface LogEntry {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

export function recordingLog(): { log: LogFunction; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return { entries, log: (level, message, fields) => entries.push({ level, message, fields }) };
}

export class RecordingHost implements ServiceHostLike {
  sent: Array<{ handler: number; opcode: 1 | 2; payload: Uint8Array }> = [];
  closed: Array<{ handler: number; code: number | undefined; reason: string | undefined }> = [];

  send(handler: number, opcode: 1 | 2, payload: Uint8Array): boolean {
    this.sent.push({ handler, opcode, payload });
    return true;
  }

  close(handler: number, code?: number, reason?: string): void {
    this.closed.push({ handler, code, reason });
  }

  bufferedAmount(): number {
    return 0;
  }

  /** The sent payloads as text, for assertions. */
  texts(): string[] {
    return this.sent.map((s) => Buffer.from(s.payload).toString());
  }
}

export interface Started {
  service: NetworkService;
  host: RecordingHost;
  entries: LogEntry[];
  dir: string;
}

/** Loads and starts instance `instance` of a service `svc` with the given Lua body. */
export async function startService(
  body: string,
  options: {
    modules?: LuaModule[];
    preload?: string[];
    instance?: number;
    files?: Record<string, string>;
    maxInstructions?: number;
    protocol?: MessageProtocol;
  } = {},
): Promise<Started> {
  const dir = writeFiles({ 'svc.lua': serviceSource(body), ...options.files });
  const { log, entries } = recordingLog();
  const service = new NetworkService(
    {
      name: 'svc',
      dir,
      log,
      modules: options.modules ?? [],
      preload: options.preload ?? [],
      limits: { maxInstructions: options.maxInstructions ?? 5_000_000 },
      protocol: options.protocol,
    },
    options.instance ?? 0,
  );
  const host = new RecordingHost();
  await service.onStart(host);
  return { service, host, entries, dir };
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Waits for timers and microtasks to run. */
export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `ready` every 5 ms until it holds; fails after `timeoutMs` (CI machines are loaded). */
export async function until(ready: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
    await tick(5);
  }
}
