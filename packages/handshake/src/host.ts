/**
 * RFC 9110 7.2 `Host = uri-host [ ":" port ]`: a reg-name, IPv4 or `[IPv6]` literal. Checked by
 * char class (unreserved, pct-encoded, sub-delims, ":", "[", "]"), which is what routing and
 * header building need: no spaces, slashes, `@`, controls or non-ASCII.
 */
export function isHost(host: string): boolean {
  if (host.length === 0) return false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c >= 128 || HOST_CHAR[c] === 0) return false;
  }
  return true;
}

const HOST_CHAR = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128);
  for (const c of "-._~!$&'()*+,;=%:[]") table[c.charCodeAt(0)] = 1;
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  return table;
})();
