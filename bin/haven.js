#!/usr/bin/env node
// The `haven` command: loads the TypeScript sources through tsx, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
// Node processes Haven starts (benchmark children, proxy workers) load the sources the same way.
const loader = import.meta.resolve('tsx');
if (!(process.env.NODE_OPTIONS ?? '').includes(loader)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import "${loader}"`.trim();
}
// A reader that stops early (`haven classify … | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
else if (process.argv[2] !== 'start') process.exitCode = 0;
