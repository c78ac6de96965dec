/**
 * The plotly.js browser bundle (from the `plotly.js-dist` package), minified once per process
 * with the esbuild that tsx already brings (11 MB -> about 5 MB) and cached under the OS temp
 * folder, so a saved notebook that inlines it stays reasonably small. Falls back to the
 * unminified file when esbuild is not there.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../atomicWrite';

let cached: { source: string; version: string } | undefined;

/** Path of `plotly.js-dist/plotly.js`; throws naming the package when it is missing. */
export function plotlyBundlePath(): string {
  try {
    return require.resolve('plotly.js-dist/plotly.js');
  } catch {
    throw new Error(
      'plotlyBundlePath: cannot find plotly.js-dist/plotly.js; expected the plotly.js-dist package (npm install)',
    );
  }
}

/** The plotly.js version of the installed bundle (e.g. "3.1.0"). */
export function plotlyVersion(): string {
  const manifest = path.join(path.dirname(plotlyBundlePath()), 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function minify(source: string): string | undefined {
  try {
    // esbuild is a dependency of tsx (a dependency of this package); optional here.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as {
      transformSync(code: string, options: Record<string, unknown>): { code: string };
    };
    return esbuild.transformSync(source, { minify: true, legalComments: 'none' }).code;
  } catch {
    return undefined;
  }
}

/** The plotly.js source to run in a page (minified when possible); it sets `window.Plotly`. */
export function plotlySource(): string {
  if (cached) return cached.source;
  const version = plotlyVersion();
  const cacheFile = path.join(os.tmpdir(), `dil-plotly-${version}.min.js`);
  let source: string | undefined;
  if (fs.existsSync(cacheFile)) source = fs.readFileSync(cacheFile, 'utf8');
  if (!source) {
    const raw = fs.readFileSync(plotlyBundlePath(), 'utf8');
    const minified = minify(raw);
    if (minified) {
      // Keep plotly.js's copyright and licence header (MIT) in front of the minified code.
      const header = raw.startsWith('/*') ? raw.slice(0, raw.indexOf('*/') + 2) : '';
      source = `${header}\n${minified}`;
      writeFileAtomic(cacheFile, source);
    } else {
      source = raw;
    }
  }
  cached = { source, version };
  return source;
}
