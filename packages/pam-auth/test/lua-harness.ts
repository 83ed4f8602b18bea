import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkService, builtinModules } from '@lapps/lua-bridge';
import type { PamAuthenticator } from '../src/index.js';
import { createPamAuthModule } from '../src/lua/index.js';

/** Runs the Lua in each message and sends back its results joined by '|'. */
const SERVICE = `local svc = {}
function svc.onStart() end
function svc.onDisconnect(h) end
function svc.onShutdown() end
function svc.onMessage(h, op, msg)
  local out = {}
  local chunk = load('return function(h) ' .. msg .. ' end')()
  local results = table.pack(chunk(h))
  for i = 1, results.n do out[#out + 1] = tostring(results[i]) end
  ws:send(h, 1, table.concat(out, '|'))
  return true
end
return svc
`;

const services: NetworkService[] = [];

/** Shuts the services down (call in afterEach). */
export async function closeServices(): Promise<void> {
  for (const service of services.splice(0)) await service.onShutdown();
}

function serviceDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pam-auth-lua-')), 'svc');
  mkdirSync(dir);
  writeFileSync(join(dir, 'svc.lua'), SERVICE);
  return dir;
}

export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** A network service instance with `pam_auth` preloaded; `run(code)` resolves with its reply. */
export async function luaService(authenticator: PamAuthenticator, lines: LogLine[] = []) {
  const sent: string[] = [];
  const service = new NetworkService(
    {
      name: 'svc',
      dir: serviceDir(),
      log: (level, message, fields) =>
        lines.push({ level, message, ...(fields === undefined ? {} : { fields }) }),
      modules: [...builtinModules, createPamAuthModule(authenticator)],
      preload: ['pam_auth'],
    },
    0,
  );
  await service.onStart({
    send: (_h, _op, payload) => {
      sent.push(Buffer.from(payload).toString());
      return true;
    },
    close() {},
    bufferedAmount: () => 0,
  });
  services.push(service);
  let handler = 0;
  const run = async (code: string, timeoutMs = 5000): Promise<string> => {
    handler += 1;
    const before = sent.length;
    service.onMessage(handler, 1, Buffer.from(code));
    const until = performance.now() + timeoutMs;
    while (sent.length === before && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return sent[before] ?? '(no reply)';
  };
  return { run, service, sent };
}
