/**
 * Close codes a service may send (RFC 6455 section 7.4): the defined ones an endpoint may put on
 * the wire (1004-1006 and 1015 are reserved and never sent) and the registered/private ranges.
 */
export function isSendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999)
  );
}
