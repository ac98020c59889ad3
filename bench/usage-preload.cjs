// Preloaded into every measured Node process (NODE_OPTIONS=--require …): at
// exit, append the process's peak RSS and CPU time to $BENCH_USAGE_FILE, so
// memory is measured the same way for the floor, the CLI, the peer and the
// language server, without /usr/bin/time.
'use strict';
const file = process.env.BENCH_USAGE_FILE;
if (file && require('node:worker_threads').isMainThread) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const record = { pid: process.pid, maxRssKB: usage.maxRSS, userUs: usage.userCPUTime, systemUs: usage.systemCPUTime };
    require('node:fs').appendFileSync(file, `${JSON.stringify(record)}\n`);
  });
}
