#!/usr/bin/env node
import { runCli } from './run';

// Exit through process.exitCode, not process.exit(), so that large outputs on pipes are flushed.
void runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
