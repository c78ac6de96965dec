#!/usr/bin/env node
/**
 * Makes `import ... from 'deep-interest-lab'` resolve inside this checkout (notebooks, examples).
 *
 * tslab compiles notebook cells with TypeScript's Node10 module resolution, which knows no
 * package self-reference, and importing `../src/*.ts` from a notebook fails in tslab with
 * "not under rootDir". So we place a tiny shim package at node_modules/deep-interest-lab whose
 * main/types point at the built `dist/` (no symlink: a link back to the root would make
 * node_modules cyclic). `npm install` prunes it as extraneous, so `prepare` re-creates it.
 */
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const dir = path.join(root, 'node_modules', 'deep-interest-lab');
const own = require(path.join(root, 'package.json'));
const shim = {
  name: 'deep-interest-lab',
  version: own.version,
  private: true,
  description: "Shim created by bin/link-self.js: points at the checkout's built dist/.",
  main: '../../dist/index.js',
  types: '../../dist/index.d.ts',
};
fs.mkdirSync(dir, { recursive: true });
const tmp = path.join(dir, `package.json.tmp-${process.pid}`);
fs.writeFileSync(tmp, JSON.stringify(shim, null, 2) + '\n');
fs.renameSync(tmp, path.join(dir, 'package.json'));
