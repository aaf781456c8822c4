// Preloaded with `node --import` into every timed child so that the parent learns the child's
// own peak RSS (getrusage of the process itself), whatever the engine: one line on stderr at exit.
process.on('exit', () => {
  process.stderr.write(`\n@@max-rss-bytes ${process.resourceUsage().maxRSS * 1024}\n`);
});
