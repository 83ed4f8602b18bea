/** RFC 9110 section 15 reason phrases (plus 428/429/431 from RFC 6585) for what a handshake answers. */
const PHRASES: ReadonlyMap<number, string> = new Map([
  [101, 'Switching Protocols'],
  [300, 'Multiple Choices'],
  [301, 'Moved Permanently'],
  [302, 'Found'],
  [303, 'See Other'],
  [307, 'Temporary Redirect'],
  [308, 'Permanent Redirect'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [408, 'Request Timeout'],
  [409, 'Conflict'],
  [410, 'Gone'],
  [413, 'Content Too Large'],
  [414, 'URI Too Long'],
  [421, 'Misdirected Request'],
  [426, 'Upgrade Required'],
  [428, 'Precondition Required'],
  [429, 'Too Many Requests'],
  [431, 'Request Header Fields Too Large'],
  [451, 'Unavailable For Legal Reasons'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
  [505, 'HTTP Version Not Supported'],
]);

/** The standard reason phrase, or the class name (RFC 9110 15) for a status without one here. */
export function reasonPhrase(status: number): string {
  const phrase = PHRASES.get(status);
  if (phrase !== undefined) return phrase;
  if (status >= 500) return 'Server Error';
  if (status >= 400) return 'Client Error';
  return 'Redirection';
}
