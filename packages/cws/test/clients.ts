// Waiting for a client's events, and closing every client a test opened.
import {
  type ClientOptions,
  type CwsCloseEvent,
  type CwsErrorEvent,
  type CwsMessageEvent,
  WebSocketClient,
} from '../src/index.js';

const open = new Set<WebSocketClient>();

/** A client that closeClients() will close after the test. */
export function client(
  url: string,
  protocols?: string | string[],
  options?: ClientOptions,
): WebSocketClient {
  const ws = new WebSocketClient(url, protocols, options);
  open.add(ws);
  return ws;
}

/** For afterEach: closes (or aborts) every client still open and waits for its close event. */
export async function closeClients(): Promise<void> {
  const all = [...open];
  open.clear();
  await Promise.all(
    all.map((ws) => {
      if (ws.readyState === WebSocketClient.CLOSED) return undefined;
      const done = closed(ws);
      ws.close();
      return done;
    }),
  );
}

export function opened(ws: WebSocketClient): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('close', (e) => reject(new Error(`closed before open: ${e.code}`)), {
      once: true,
    });
  });
}

export function nextMessage(ws: WebSocketClient): Promise<CwsMessageEvent> {
  return new Promise((resolve) => ws.addEventListener('message', resolve, { once: true }));
}

/** The next `count` messages' data, in order. */
export function messages(ws: WebSocketClient, count: number): Promise<CwsMessageEvent['data'][]> {
  return new Promise((resolve) => {
    const got: CwsMessageEvent['data'][] = [];
    const onMessage = (event: CwsMessageEvent): void => {
      got.push(event.data);
      if (got.length === count) {
        ws.removeEventListener('message', onMessage);
        resolve(got);
      }
    };
    ws.addEventListener('message', onMessage);
  });
}

export function closed(ws: WebSocketClient): Promise<CwsCloseEvent> {
  return new Promise((resolve) => ws.addEventListener('close', resolve, { once: true }));
}

/** The error event and the close event that follows it (rejects if close comes without error). */
export function failed(
  ws: WebSocketClient,
): Promise<{ error: CwsErrorEvent; close: CwsCloseEvent }> {
  return new Promise((resolve, reject) => {
    let error: CwsErrorEvent | undefined;
    ws.addEventListener('error', (e) => {
      error = e;
    });
    ws.addEventListener('close', (close) => {
      if (error === undefined) reject(new Error(`close ${close.code} without an error event`));
      else resolve({ error, close });
    });
  });
}
