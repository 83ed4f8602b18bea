import { PeerLink } from '../src/peer-link.js';

/** Bench child: connects to the peer server at argv[2] and sends every frame back. */
const link = await PeerLink.connect(process.argv[2]!);
link.onFrame((type, opcode, code, id, payload) => {
  // Payloads under 16 KiB are copied by send, so the view of the read buffer is safe to pass.
  link.send(type, opcode, code, id, payload);
});
link.onClose(() => process.exit(0));
