#!/usr/bin/env node
/** The `dil` command: runs the built CLI in dist/ (built by `npm install` / `npm run build`). */
const path = require('path');
const fs = require('fs');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error(`dil: ${entry} is missing; build the kit first with: npm run build`);
  process.exit(2);
}
// `dil ... | head`: a closed pipe ends the command quietly, as Unix tools do, instead of a stack trace
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(0);
  throw err;
});

require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exitCode = 1;
  });
