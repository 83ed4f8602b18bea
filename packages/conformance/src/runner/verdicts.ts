// Judging a transcript against a case's expectation, with Autobahn's verdict names.
//
// The rules, from RFC 6455:
// - Echo cases: the server's data frames, reassembled into messages (5.4), and its pongs (5.5.3)
//   must equal the expected events exactly and in order; then its close must carry one of the
//   expected codes (7.4.1), and the server should close TCP first (7.1.1: "the server SHOULD close
//   the underlying TCP connection"). A missing TCP close is only a SHOULD: NON-STRICT.
// - "Must fail" cases (5.2, 5.4, 5.5, 7.4, 8.1: "_Fail the WebSocket Connection_"): nothing may
//   be echoed beyond what the server owed before the violation. A close with an expected code
//   (1002 protocol error, 1007 invalid UTF-8, 1009 too big) then TCP close is OK. A TCP close
//   without a close frame is NON-STRICT: 7.1.7 lets the server fail the connection so, but says it
//   SHOULD send a close frame first. A close with another code is FAILED (7.4.1 names the code).
// - Fail-fast cases (6.4.x, 8.1: "When an endpoint is to interpret a byte stream as UTF-8 but
//   finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the
//   WebSocket Connection_"): OK only if the server closed before the client sent the rest of the
//   message (the `mark` step); closing only once the message was complete is NON-STRICT.
// - Any frame from the server that is masked (5.1), has RSV bits (5.2), a reserved opcode, or an
//   invalid close payload is FAILED: it is the server breaking the protocol.
import type { ConformanceCase, ExpectedEvent } from '../cases/case.js';
import { NO_STATUS } from '../cases/case.js';
import { Op } from './frames.js';
import type { Transcript } from './raw-client.js';

export type Verdict = 'OK' | 'NON-STRICT' | 'INFORMATIONAL' | 'FAILED';
export const VERDICTS: readonly Verdict[] = ['OK', 'NON-STRICT', 'INFORMATIONAL', 'FAILED'];

export interface CaseResult {
  id: string;
  group: number;
  description: string;
  verdict: Verdict;
  /** Why, when the verdict is not OK. */
  details: string;
  durationMs: number;
}

interface Observed {
  events: ExpectedEvent[];
  closeCode: number | undefined;
  closeAt: number | undefined;
  violations: string[];
}

/** Reassembles the server's frames into the events a case expects. */
function observe(transcript: Transcript): Observed {
  const observed: Observed = {
    events: [],
    closeCode: undefined,
    closeAt: undefined,
    violations: [],
  };
  let message: { opcode: 1 | 2; parts: Buffer[] } | undefined;
  for (const { at, frame } of transcript.frames) {
    if (observed.closeAt !== undefined) {
      observed.violations.push(`frame (opcode ${frame.opcode}) after the server's close (5.5.1)`);
      continue;
    }
    if (frame.masked) observed.violations.push('masked frame from the server (5.1)');
    if (frame.rsv !== 0) observed.violations.push(`RSV bits ${frame.rsv} set by the server (5.2)`);
    switch (frame.opcode) {
      case Op.Text:
      case Op.Binary:
        if (message !== undefined) observed.violations.push('new message inside a message (5.4)');
        message = { opcode: frame.opcode, parts: [frame.payload] };
        break;
      case Op.Continuation:
        if (message === undefined) observed.violations.push('continuation without a message (5.4)');
        else message.parts.push(frame.payload);
        break;
      case Op.Pong:
        observed.events.push({ type: 'pong', payload: frame.payload });
        break;
      case Op.Ping:
        break;
      case Op.Close:
        observed.closeAt = at;
        if (frame.payload.length === 0) observed.closeCode = NO_STATUS;
        else if (frame.payload.length === 1)
          observed.violations.push('1-byte close payload (5.5.1)');
        else observed.closeCode = frame.payload.readUInt16BE(0);
        break;
      default:
        observed.violations.push(`reserved opcode ${frame.opcode} from the server (5.2)`);
    }
    if (frame.opcode <= Op.Binary && frame.fin && message !== undefined) {
      observed.events.push({
        type: 'message',
        opcode: message.opcode,
        payload: Buffer.concat(message.parts),
      });
      message = undefined;
    }
  }
  return observed;
}

const describe = (event: ExpectedEvent): string => {
  const kind = event.type === 'pong' ? 'pong' : event.opcode === 1 ? 'text' : 'binary';
  const shown =
    event.payload.length <= 24
      ? `0x${event.payload.toString('hex')}`
      : `${event.payload.length} bytes, starting 0x${event.payload.subarray(0, 8).toString('hex')}...`;
  return `${kind}(${shown})`;
};

const sameEvent = (a: ExpectedEvent, b: ExpectedEvent): boolean =>
  a.type === b.type &&
  (a.type === 'pong' || (b.type === 'message' && a.opcode === b.opcode)) &&
  a.payload.equals(b.payload);

/** The verdict for one case's transcript. */
export function judge(
  testCase: ConformanceCase,
  transcript: Transcript,
): Omit<CaseResult, 'durationMs'> {
  const result = (verdict: Verdict, details = '') => ({
    id: testCase.id,
    group: testCase.group,
    description: testCase.description,
    verdict,
    details,
  });
  if (transcript.handshakeError !== undefined) return result('FAILED', transcript.handshakeError);
  const observed = observe(transcript);
  if (observed.violations.length > 0) return result('FAILED', observed.violations.join('; '));
  const expected = testCase.expect.events ?? [];
  const got = observed.events;
  const matches =
    got.length === expected.length && got.every((event, i) => sameEvent(event, expected[i]!));
  if (!matches) {
    return result(
      'FAILED',
      `expected [${expected.map(describe).join(', ')}], got [${got.map(describe).join(', ')}]`,
    );
  }
  const closeCodes =
    testCase.expect.outcome === 'echo'
      ? (testCase.expect.closeCodes ?? [1000])
      : testCase.expect.closeCodes;
  const tcpClosed = transcript.serverClosedAt !== undefined;
  if (observed.closeCode === undefined) {
    if (testCase.expect.outcome === 'fail' && tcpClosed) {
      return result('NON-STRICT', 'dropped TCP without a close frame (7.1.7 SHOULD send one)');
    }
    return result('FAILED', tcpClosed ? 'closed TCP without a close frame' : 'server never closed');
  }
  if (!closeCodes.includes(observed.closeCode)) {
    return result(
      'FAILED',
      `close code ${observed.closeCode}, expected ${closeCodes.join(' or ')}`,
    );
  }
  if (transcript.markAt !== undefined) {
    const closedAt = Math.min(observed.closeAt ?? Infinity, transcript.serverClosedAt ?? Infinity);
    if (closedAt > transcript.markAt) {
      return result(
        'NON-STRICT',
        `closed ${observed.closeCode} at ${closedAt} ms, only after the rest was sent at ${transcript.markAt} ms (not fail-fast)`,
      );
    }
  }
  if (!tcpClosed) return result('NON-STRICT', 'server did not close TCP (7.1.1 SHOULD)');
  return result('OK');
}
