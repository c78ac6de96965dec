/**
 * A minimal headless-Chromium driver speaking the DevTools protocol over
 * `--remote-debugging-pipe` (fd 3: commands in, fd 4: events/results out, messages separated
 * by NUL bytes). No network port is opened and no browser-automation package is needed.
 *
 * One `HeadlessChromium` = one browser process with one page, started with the flags that
 * work offline (`--headless --no-sandbox --disable-gpu --disable-background-networking
 * --disable-component-update --disable-sync --no-first-run`) and a fresh `--user-data-dir`
 * that is removed on close. The executable is `DIL_CHROMIUM` or the first of the usual
 * install paths that exists.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable, Writable } from 'stream';

export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-extensions',
  '--disable-default-apps',
  '--mute-audio',
  '--hide-scrollbars',
];

const CANDIDATE_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The Chromium executable: `DIL_CHROMIUM` if set (must exist), else the first usual install
 * path or `chromium` / `chromium-browser` / `google-chrome` on PATH. Throws a clear error otherwise.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.DIL_CHROMIUM?.trim();
  if (configured) {
    if (isExecutable(configured)) return configured;
    throw new Error(
      `findChromium: DIL_CHROMIUM=${configured} is not an executable file; expected ` +
        `the path of a Chromium or Chrome binary`,
    );
  }
  for (const candidate of CANDIDATE_PATHS) if (isExecutable(candidate)) return candidate;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
      const candidate = path.join(dir, name);
      if (dir && isExecutable(candidate)) return candidate;
    }
  }
  throw new Error(
    'findChromium: no Chromium found (looked at DIL_CHROMIUM, ' +
      `${CANDIDATE_PATHS.join(', ')} and PATH); static figure export needs a headless Chromium: ` +
      'install it (Debian: apt-get install chromium) or set DIL_CHROMIUM=/path/to/chromium',
  );
}

interface Pending {
  method: string;
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface ChromiumOptions {
  /** Executable; default `findChromium()`. */
  executable?: string;
  /** Per-command timeout in ms (default 120 000). */
  commandTimeoutMs?: number;
  /** Extra command-line flags. */
  extraFlags?: string[];
}

/** A running headless Chromium with one attached page. Create with `HeadlessChromium.launch()`. */
export class HeadlessChromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer = Buffer.alloc(0);
  private closed = false;
  private stderrTail = '';
  private sessionId = '';
  private readonly exitHandler = (): void => this.kill();

  private constructor(
    private readonly child: ChildProcess,
    private readonly input: Writable,
    private readonly output: Readable,
    private readonly userDataDir: string,
    private readonly commandTimeoutMs: number,
  ) {}

  /** Starts Chromium and opens one blank page. */
  static async launch(options: ChromiumOptions = {}): Promise<HeadlessChromium> {
    const executable = options.executable ?? findChromium();
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-chromium-'));
    const args = [
      ...CHROMIUM_FLAGS,
      ...(options.extraFlags ?? []),
      `--user-data-dir=${userDataDir}`,
      '--remote-debugging-pipe',
      'about:blank',
    ];
    const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const input = child.stdio[3] as Writable;
    const output = child.stdio[4] as Readable;
    const browser = new HeadlessChromium(child, input, output, userDataDir, options.commandTimeoutMs ?? 120_000);
    await browser.start(executable);
    return browser;
  }

  private async start(executable: string): Promise<void> {
    const startup = new Promise<void>((resolve, reject) => {
      this.child.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ENOENT' ? 'not found' : err.message;
        reject(
          new Error(
            `HeadlessChromium: cannot start Chromium at ${executable}: ${why}; set DIL_CHROMIUM to a working binary`,
          ),
        );
      });
      this.child.once('spawn', () => resolve());
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    this.child.once('exit', (code, signal) => this.failAll(`Chromium exited (code ${code}, signal ${signal})`));
    this.output.on('data', (chunk: Buffer) => this.onData(chunk));
    this.input.on('error', (err) => this.failAll(`pipe to Chromium failed: ${err.message}`));
    process.once('exit', this.exitHandler);
    await startup;
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const attached = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    this.sessionId = attached.sessionId;
    this.setIdle();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf(0);
      if (end < 0) break;
      const text = this.buffer.subarray(0, end).toString('utf8');
      this.buffer = this.buffer.subarray(end + 1);
      let message: { id?: number; result?: Record<string, unknown>; error?: { message: string; data?: string } };
      try {
        message = JSON.parse(text);
      } catch {
        continue;
      }
      if (message.id === undefined) continue;
      const waiting = this.pending.get(message.id);
      if (!waiting) continue;
      this.pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.error) {
        waiting.reject(
          new Error(
            `Chromium ${waiting.method}: ${message.error.message}` +
              (message.error.data ? ` (${message.error.data})` : ''),
          ),
        );
      } else {
        waiting.resolve(message.result ?? {});
      }
      if (this.pending.size === 0) this.setIdle();
    }
  }

  private failAll(reason: string): void {
    this.closed = true;
    const detail = this.stderrTail.trim() ? `; Chromium stderr: ${this.stderrTail.trim().slice(-600)}` : '';
    for (const [, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error(`HeadlessChromium ${waiting.method} failed: ${reason}${detail}`));
    }
    this.pending.clear();
  }

  /** While idle the browser must not keep Node's event loop (a notebook kernel, a CLI) alive. */
  private setIdle(): void {
    this.child.unref();
    (this.output as unknown as { unref?: () => void }).unref?.();
    (this.input as unknown as { unref?: () => void }).unref?.();
    (this.child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  }

  private setBusy(): void {
    this.child.ref();
    (this.output as unknown as { ref?: () => void }).ref?.();
    (this.input as unknown as { ref?: () => void }).ref?.();
  }

  /** Sends one DevTools command (to the page session when `onPage`), resolving with its result. */
  send(method: string, params: Record<string, unknown> = {}, onPage = false): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(new Error(`HeadlessChromium ${method}: Chromium is closed`));
    const id = this.nextId++;
    const message: Record<string, unknown> = { id, method, params };
    if (onPage) message.sessionId = this.sessionId;
    this.setBusy();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        if (this.pending.size === 0) this.setIdle();
        reject(new Error(`HeadlessChromium ${method} timed out after ${this.commandTimeoutMs} ms`));
      }, this.commandTimeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.input.write(`${JSON.stringify(message)}\0`);
    });
  }

  /**
   * Evaluates `expression` in the page (awaiting a returned promise) and returns its value
   * (JSON-serialisable). A thrown exception becomes an Error with the page's message.
   */
  async evaluate<T>(expression: string): Promise<T> {
    const reply = (await this.send(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true },
      true,
    )) as { result?: { value?: T }; exceptionDetails?: { text?: string; exception?: { description?: string } } };
    if (reply.exceptionDetails) {
      const details = reply.exceptionDetails;
      throw new Error(
        `HeadlessChromium.evaluate: page script failed: ` +
          `${details.exception?.description ?? details.text ?? 'unknown error'}`,
      );
    }
    return reply.result?.value as T;
  }

  /** Navigates the page to `url` and waits for its load event (scripts included). */
  async navigate(url: string): Promise<void> {
    await this.send('Page.enable', {}, true);
    await this.send('Page.navigate', { url }, true);
    await this.evaluate<boolean>(
      "new Promise((resolve) => { if (document.readyState === 'complete') " +
        "resolve(true); else addEventListener('load', () => resolve(true)); })",
    );
  }

  /**
   * Captures the page as PNG bytes: the viewport (`width` x `height`, default 1200 x 900), the
   * whole page (`fullPage`), or the page area of the first element matching `selector`.
   */
  async screenshot(
    options: { fullPage?: boolean; width?: number; height?: number; selector?: string } = {},
  ): Promise<Buffer> {
    const width = options.width ?? 1200;
    let height = options.height ?? 900;
    if (options.fullPage) {
      height = Math.min(16384, Math.max(height, await this.evaluate<number>('document.documentElement.scrollHeight')));
    }
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false }, true);
    const params: Record<string, unknown> = { format: 'png', captureBeyondViewport: true };
    if (options.selector) {
      const box = await this.evaluate<{ x: number; y: number; width: number; height: number } | null>(
        `(() => { const el = document.querySelector(${JSON.stringify(options.selector)}); if (!el) return null;
           const r = el.getBoundingClientRect();
           return { x: r.left + window.scrollX, y: r.top + window.scrollY,
             width: Math.max(1, r.width), height: Math.max(1, r.height) }; })()`,
      );
      if (!box) throw new Error(`HeadlessChromium.screenshot: no element matches ${options.selector}`);
      params.clip = { ...box, scale: 1 };
    }
    const shot = (await this.send('Page.captureScreenshot', params, true)) as { data: string };
    return Buffer.from(shot.data, 'base64');
  }

  /** True until `close()` or the process died. */
  get running(): boolean {
    return !this.closed;
  }

  private kill(): void {
    if (!this.child.killed && this.child.exitCode === null) this.child.kill('SIGKILL');
    try {
      fs.rmSync(this.userDataDir, { recursive: true, force: true });
    } catch {
      // best effort: the folder lives under the OS temp dir
    }
  }

  /** Closes the browser (politely, then by signal) and removes its profile folder. */
  async close(): Promise<void> {
    process.removeListener('exit', this.exitHandler);
    if (!this.closed) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      try {
        await Promise.race([this.send('Browser.close'), new Promise((resolve) => setTimeout(resolve, 2000))]);
      } catch {
        // the browser may already be gone
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      this.closed = true;
    }
    this.kill();
  }
}
