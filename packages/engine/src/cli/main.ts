#!/usr/bin/env node
/** The `beatplan` binary. */
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
