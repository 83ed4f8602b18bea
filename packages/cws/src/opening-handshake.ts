import {
  HandshakeError,
  ResponseHeadParser,
  type ServerHandshake,
  validateServerResponse,
} from '@lapps/handshake';
import { CwsError } from './errors.js';

// We offer no extension, so a server that accepts one (permessage-deflate, say) would send frames
// with RSV bits we cannot read: RFC 6455 4.1 client step 5 says to fail the connection.
const NO_EXTENSIONS: readonly string[] = [];

/**
 * The client's side of the opening handshake after the request is sent (RFC 6455 4.1, steps 1-6):
 * reads the response head from chunks of any size, then checks it against what was offered.
 */
export class OpeningHandshake {
  private readonly parser = new ResponseHeadParser();
  private readonly key: string;
  private readonly protocols: readonly string[];
  private readonly url: string;

  constructor(key: string, protocols: readonly string[], url: string) {
    this.key = key;
    this.protocols = protocols;
    this.url = url;
  }

  /**
   * Feeds one chunk. Returns the accepted handshake once the head is complete (its `rest` holds the
   * bytes after the head: the server's first frames), undefined while more is needed. Throws
   * LAPPS_ERR_CWS_HANDSHAKE, with the server's `status`, when the answer is not an acceptance.
   */
  push(chunk: Uint8Array): ServerHandshake | undefined {
    try {
      const head = this.parser.push(chunk);
      if (head === undefined) return undefined;
      return validateServerResponse(head, {
        key: this.key,
        protocols: this.protocols,
        extensions: NO_EXTENSIONS,
      });
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      throw new CwsError(
        'LAPPS_ERR_CWS_HANDSHAKE',
        `${this.url}: handshake failed: ${error.message}`,
        {
          cause: error,
          status: error.status,
        },
      );
    }
  }
}
