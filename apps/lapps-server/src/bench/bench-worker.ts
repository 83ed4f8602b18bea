/**
 * A load process of `lapps bench --instances K` (forked with an IPC channel): runs an EchoLoad and
 * answers the parent's requests. It exits when told to stop or when the parent goes away.
 */
import { EchoLoad } from './echo-load.js';
import type { LoadAnswer, LoadRequest, LoadSample } from './load-protocol.js';

let load: EchoLoad | undefined;

function answer(message: LoadAnswer): void {
  process.send?.(message);
}

function sample(withHistogram: boolean): LoadSample {
  const current = load!;
  return {
    ...current.snapshot(),
    errors: current.errors,
    ...(withHistogram && {
      histogram: { pairs: current.histogram.toSparse(), max: current.histogram.max },
    }),
  };
}

process.on('message', (request: LoadRequest) => {
  switch (request.type) {
    case 'open':
      load = new EchoLoad(request.options);
      void load
        .open()
        .then(({ opened, failed }) =>
          answer({ type: 'opened', opened, failed, errors: load!.errors }),
        );
      return;
    case 'reset':
      load?.resetWindow();
      answer({ type: 'reset' });
      return;
    case 'sample':
      answer({ type: 'sample', sample: sample(false) });
      return;
    case 'final':
      answer({ type: 'final', sample: sample(true) });
      return;
    case 'stop':
      void (load?.stop() ?? Promise.resolve()).then(() => {
        answer({ type: 'stopped' });
        process.disconnect();
      });
      return;
  }
});
// The parent is gone (killed, or done): nothing left to report to.
process.on('disconnect', () => process.exit(0));
