#!/usr/bin/env node
import { processIo } from './io.js';
import { runCli } from './run.js';

// The first Ctrl-C ends a login cleanly (closing its loopback server); a second one kills.
const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort());
process.exitCode = await runCli(process.argv.slice(2), processIo(interrupted.signal));
