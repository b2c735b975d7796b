#!/usr/bin/env node
// Launcher for the `relais` command line: registers tsx's ESM loader in this process (resolved from
// this package, so it works from any working directory), then runs the TypeScript CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/relais.ts');
process.exitCode = await main(process.argv.slice(2));
