#!/usr/bin/env node
/**
 * `npm run setup`: makes Jupyter run this kit's notebooks.
 *
 * 1. Finds Jupyter (nbconvert + jupyter_client). Where it is missing and we run as root on
 *    Debian/Ubuntu, installs Debian's packages; otherwise says exactly what to install.
 * 2. Registers the kernel "dil-tslab" ("TypeScript (deep-interest-lab)") whose command is this
 *    checkout's own tslab run by this Node, with absolute paths: no global install needed.
 * 3. Finds Chromium for the static export of figures (SVG/PNG); installs Debian's `chromium` as
 *    root, otherwise tells how (figures are then shown inline only).
 * 4. Builds dist/ and the self-reference shim, so notebooks can `import ... from 'deep-interest-lab'`.
 *
 * Flags: --no-install (never call apt-get), --quiet.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const KERNEL_NAME = 'dil-tslab';
const DEBIAN_PACKAGES = [
  'jupyter-notebook',
  'jupyter-nbconvert',
  'python3-nbconvert',
  'python3-nbclient',
  'python3-ipykernel',
  'jupyter-client',
];

function log(message) {
  if (!quiet) console.log(`[setup] ${message}`);
}

function run(cmd, cmdArgs, options = {}) {
  return spawnSync(cmd, cmdArgs, { encoding: 'utf8', ...options });
}

/** The jupyter command to use: $DIL_JUPYTER, Debian's /usr/bin/jupyter, or jupyter on PATH. */
function findJupyter() {
  const candidates = [process.env.DIL_JUPYTER, '/usr/bin/jupyter', 'jupyter'].filter(Boolean);
  for (const candidate of candidates) {
    const probe = run(candidate, ['nbconvert', '--version']);
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

function installJupyter() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = run('apt-get', ['--version']).status === 0;
  if (args.has('--no-install') || !isRoot || !hasApt) {
    console.error(
      '[setup] Jupyter (with nbconvert) was not found.\n' +
        `  On Debian/Ubuntu: sudo apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES.join(' ')}\n` +
        '  Elsewhere: pip install notebook nbconvert nbclient\n' +
        '  Or point DIL_JUPYTER at a jupyter executable.',
    );
    process.exit(1);
  }
  log(`installing Jupyter from Debian packages: ${DEBIAN_PACKAGES.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let res = run('apt-get', ['install', '-y', '--no-install-recommends', ...DEBIAN_PACKAGES], { stdio: 'inherit', env });
  if (res.status !== 0) {
    run('apt-get', ['update'], { stdio: 'inherit', env });
    res = run('apt-get', ['install', '-y', '--no-install-recommends', ...DEBIAN_PACKAGES], { stdio: 'inherit', env });
  }
  if (res.status !== 0) {
    console.error('[setup] apt-get could not install Jupyter; see the output above.');
    process.exit(1);
  }
}

function ensureChromium() {
  const candidates = [
    process.env.DIL_CHROMIUM,
    '/usr/bin/chromium',
    'chromium',
    'chromium-browser',
    'google-chrome',
  ].filter(Boolean);
  for (const candidate of candidates) {
    if (run(candidate, ['--version']).status === 0) {
      log(`chromium: ${candidate}`);
      return;
    }
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!args.has('--no-install') && isRoot && run('apt-get', ['--version']).status === 0) {
    log('installing Debian package chromium (static SVG/PNG export of figures)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (
      run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env }).status === 0
    )
      return;
  }
  console.warn(
    '[setup] Chromium not found: figures will not be exported to results/figures as SVG/PNG.\n' +
      '  Install it (Debian: apt-get install chromium) or set DIL_CHROMIUM to a Chrome/Chromium executable.',
  );
}

function registerKernel(jupyter) {
  const tslabBin = path.join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  if (!fs.existsSync(tslabBin)) {
    console.error(`[setup] ${tslabBin} is missing: run npm install (or npm ci) first.`);
    process.exit(1);
  }
  const spec = {
    argv: [process.execPath, tslabBin, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (deep-interest-lab)',
    language: 'typescript',
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-kernel-'));
  const specDir = path.join(dir, KERNEL_NAME);
  fs.mkdirSync(specDir);
  fs.writeFileSync(path.join(specDir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  const res = run(jupyter, ['kernelspec', 'install', '--user', '--replace', '--name', KERNEL_NAME, specDir]);
  fs.rmSync(dir, { recursive: true, force: true });
  if (res.status !== 0) {
    console.error(`[setup] jupyter kernelspec install failed:\n${res.stderr}`);
    process.exit(1);
  }
  log(`kernel "${KERNEL_NAME}" registered: ${spec.argv.slice(0, 2).join(' ')}`);
}

function buildLibrary() {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const res = run(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
    stdio: quiet ? 'pipe' : 'inherit',
  });
  if (res.status !== 0 && !fs.existsSync(path.join(root, 'dist', 'index.js'))) {
    console.error('[setup] building dist/ failed; see the TypeScript errors above.');
    process.exit(1);
  }
  run(process.execPath, [path.join(__dirname, 'link-self.js')], { stdio: 'inherit' });
}

let jupyter = findJupyter();
if (!jupyter) {
  installJupyter();
  jupyter = findJupyter();
  if (!jupyter) {
    console.error('[setup] Jupyter still not found after installing it.');
    process.exit(1);
  }
}
log(`jupyter: ${jupyter}`);
registerKernel(jupyter);
ensureChromium();
buildLibrary();
log('done: open the notebooks with `jupyter notebook notebooks/` and pick "TypeScript (deep-interest-lab)"');
