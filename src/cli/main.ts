#!/usr/bin/env node
// First: the compile cache covers only the modules loaded after it (see compile-cache.ts).
import './compile-cache';
// Second: the V8 settings, before the commands' modules load (see apply-v8-tuning.ts).
import './apply-v8-tuning';
import { EXIT } from './command';
import { runCli } from './run';

// A reader that closes the pipe early (`hardpod check | head`) has read all it wanted: the rest of
// the report is dropped quietly, and the exit code stays the command's own. Any other write error
// (a full disk) means the report was lost: exit 2, whenever the error arrives.
let outputLost = false;
let readerGone = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // Writes after the reader left fail too (the stream is destroyed): they are part of the same goodbye.
  if (error.code === 'EPIPE' || readerGone) {
    readerGone = true;
    return;
  }
  if (!outputLost) process.stderr.write(`hardpod: cannot write to standard output (${error.code ?? error.message})\n`);
  outputLost = true;
  process.exitCode = EXIT.usage;
});

// Exit through process.exitCode, not process.exit(), so that large outputs on pipes are flushed.
void runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
}).then((code) => {
  process.exitCode = outputLost ? EXIT.usage : code;
});
