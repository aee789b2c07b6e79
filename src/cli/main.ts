#!/usr/bin/env node
import { runCli } from './run-cli.js';
import { sanitize } from './terminal.js';

// pliant's own warnings (a torn journal line, a listener that threw, ...) as one readable line
// each, `pliant: warning: ...`, instead of Node's `(node:1234) [CODE] PliantWarning: ...`; other
// warnings as Node prints them.
const [nodeDefault] = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'PliantWarning' || (warning as { code?: unknown }).code?.toString().startsWith('PLIANT_') === true) {
    process.stderr.write(`pliant: warning: ${sanitize(warning.message)}\n`);
  } else if (nodeDefault !== undefined) {
    nodeDefault(warning);
  }
});

process.exitCode = await runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr });
