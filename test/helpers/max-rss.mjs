// Runs the built flowzip CLI (args after this script) and, at exit, writes its peak RSS to stderr
// as a last line `flowzip-max-rss-kb N` (see rss.ts).
import { main } from '../../dist/src/cli/main.js';

process.on('exit', () => process.stderr.write(`\nflowzip-max-rss-kb ${process.resourceUsage().maxRSS}\n`));
main([process.argv[0], 'flowzip', ...process.argv.slice(2)]).then((code) => {
  process.exitCode = code;
});
