// nginx with lua-resty-websocket (Debian: nginx, libnginx-mod-http-lua, lua-nginx-websocket), one
// worker, its own prefix and config in the benchmark's temp folder. Installs the packages through
// apt when run as root and they are missing; otherwise says why it is skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MODULES = '/usr/lib/nginx/modules';
const WEBSOCKET_LUA = '/usr/share/lua/5.1/nginx/websocket/server.lua';
const PACKAGES = ['nginx', 'libnginx-mod-http-lua', 'lua-nginx-websocket'];

/** Undefined when nginx can run, else the reason it cannot. */
export function ensureNginx() {
  const ready = () =>
    spawnSync('nginx', ['-v']).status === 0 &&
    existsSync(join(MODULES, 'ngx_http_lua_module.so')) &&
    existsSync(WEBSOCKET_LUA);
  if (ready()) return undefined;
  if (process.getuid?.() !== 0) {
    return `nginx skipped: install ${PACKAGES.join(' ')} (apt, as root) to include it`;
  }
  console.error(`installing ${PACKAGES.join(', ')} with apt ...`);
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
  });
  if (r.status !== 0 || !ready()) {
    return `nginx skipped: apt-get install ${PACKAGES.join(' ')} failed: ${(r.stderr || '').trim().split('\n').pop()}`;
  }
  return undefined;
}

/** Writes the prefix folder and config; returns the nginx command line. */
export function nginxCommand(dir, port, cert) {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const listen = cert
    ? `listen 127.0.0.1:${port} ssl; ssl_certificate ${cert.cert}; ssl_certificate_key ${cert.key}; ssl_protocols TLSv1.2 TLSv1.3;`
    : `listen 127.0.0.1:${port};`;
  const conf = `load_module ${MODULES}/ndk_http_module.so;
load_module ${MODULES}/ngx_http_lua_module.so;
worker_processes 1;
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 20000; }
http {
  access_log off;
  lua_package_path "/usr/share/lua/5.1/?.lua;;";
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    ${listen}
    location /echo {
      lua_socket_log_errors off;
      content_by_lua_block {
        local server = require "nginx.websocket.server"
        local wb = server:new{ timeout = 600000, max_payload_len = 16777216 }
        if not wb then return ngx.exit(444) end
        while true do
          local data, typ, err = wb:recv_frame()
          if not data then
            if not (err and string.find(err, "timeout", 1, true)) then return ngx.exit(444) end
          elseif typ == "close" then wb:send_close() return
          elseif typ == "ping" then wb:send_pong(data)
          elseif typ == "text" then wb:send_text(data)
          elseif typ == "binary" then wb:send_binary(data)
          end
        end
      }
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  return ['nginx', '-p', dir, '-c', join(dir, 'nginx.conf')];
}
