import * as ws from 'ws';

// `ws` exports its frame Receiver and Sender at run time, but @types/ws does not declare them.
// These are the parts of their API that the interop tests use.
export interface WsReceiver {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'ping' | 'pong', listener: (data: Buffer) => void): this;
  on(event: 'conclude', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  write(chunk: Buffer): boolean;
}

export interface WsSenderStatic {
  frame(
    data: Buffer,
    options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
  ): Buffer[];
}

const internals = ws as unknown as {
  Receiver: new (options: {
    isServer: boolean;
    binaryType?: string;
    maxPayload?: number;
  }) => WsReceiver;
  Sender: WsSenderStatic;
};

export const Receiver = internals.Receiver;
export const Sender = internals.Sender;
