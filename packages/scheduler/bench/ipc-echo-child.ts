/** Bench child: sends every IPC message back to the parent (the JSON baseline). */
process.on('message', (message) => {
  process.send!(message);
});
process.on('disconnect', () => process.exit(0));
