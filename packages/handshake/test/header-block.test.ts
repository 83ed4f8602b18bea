// The field-line rules are shared by both parsers: each rule is checked on both sides, where
// only the status differs (400 to answer on the server, 0 on the client).
import { describe, expect, it } from 'vitest';
import { RequestHeadParser, ResponseHeadParser } from '../src/index.js';
import { bytes, expectHandshakeError } from './sample-heads.js';

const sides = [
  [
    'request',
    (lines: string) => new RequestHeadParser().push(bytes(`GET / HTTP/1.1\r\n${lines}\r\n`)),
    400,
  ],
  [
    'response',
    (lines: string) => new ResponseHeadParser().push(bytes(`HTTP/1.1 101 OK\r\n${lines}\r\n`)),
    0,
  ],
] as const;

describe.each(sides)('header lines in a %s', (_, parse, status) => {
  it('parses names case-insensitively into lower case, values trimmed', () => {
    const head = parse('Content-TYPE:  text/plain \r\nX-A: 1\r\nx-a: 2\r\n');
    expect(head?.headers.get('content-type')).toEqual(['text/plain']);
    expect(head?.headers.get('x-a')).toEqual(['1', '2']);
  });

  it('accepts every tchar in a name', () => {
    const name = "!#$%&'*+-.^_`|~09azAZ";
    expect(parse(`${name}: v\r\n`)?.headers.get(name.toLowerCase())).toEqual(['v']);
  });

  it('keeps __proto__ and constructor as ordinary names', () => {
    const head = parse('__proto__: a\r\nconstructor: b\r\n');
    expect(head?.headers.get('__proto__')).toEqual(['a']);
    expect(head?.headers.get('constructor')).toEqual(['b']);
    expect(Object.getPrototypeOf(head?.headers)).toBe(Map.prototype);
  });

  it.each([
    ['X-A b\r\n', 'LAPPS_ERR_BAD_HEADER_LINE'],
    ['X-A : b\r\n', 'LAPPS_ERR_BAD_HEADER_LINE'],
    ['X-A: a\r\n b\r\n', 'LAPPS_ERR_OBS_FOLD'],
    ['X@A: b\r\n', 'LAPPS_ERR_BAD_HEADER_NAME'],
    [': b\r\n', 'LAPPS_ERR_BAD_HEADER_NAME'],
    ['X-A: \0\r\n', 'LAPPS_ERR_BAD_HEADER_VALUE'],
    ['X-A: b\n', 'LAPPS_ERR_BAD_LINE_ENDING'],
  ] as const)('rejects %j', (lines, code) => {
    expectHandshakeError(() => parse(lines), code, status);
  });
});
