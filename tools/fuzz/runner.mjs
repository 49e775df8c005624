// The fuzz harness's case runner: a child process (worker.mjs) that runs one case at a time, with a
// watchdog. A case that kills the child is a 'crash', one that does not answer in time a 'hang' (the
// child is killed); either way the next case gets a fresh child.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

export class Runner {
  /** @param {number} timeoutMs how long one case may take before it is a hang */
  constructor(timeoutMs) {
    this.timeoutMs = timeoutMs;
    this.child = null;
    this.pending = null;
    this.next = 0;
  }

  async start() {
    const child = fork(join(HERE, 'worker.mjs'), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    child.stderr.on('data', () => {}); // library warnings
    await new Promise((resolve, reject) => {
      child.once('message', (m) => (m.ready ? resolve() : reject(new Error('worker did not start'))));
      child.once('exit', (code) => reject(new Error(`worker exited at start (${code})`)));
    });
    child.on('message', (m) => {
      const p = this.pending;
      if (p && p.child === child && m.id === p.id) this.settle(m);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      const p = this.pending;
      if (p && p.child === child) this.settle({ outcome: 'crash', message: `worker died (${signal ?? code})`, rss: 0, peak: 0 });
    });
    this.child = child;
  }

  settle(result) {
    const p = this.pending;
    this.pending = null;
    clearTimeout(p.timer);
    p.resolve(result);
  }

  /** Run one case; resolves with the worker's answer, or a 'crash' / 'hang' outcome. */
  async run(c) {
    if (!this.child) await this.start();
    const child = this.child;
    const id = ++this.next;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.child = null; // the next case gets a fresh child
        child.kill('SIGKILL');
        this.settle({ outcome: 'hang', message: `no answer in ${this.timeoutMs / 1000} s`, rss: 0, peak: 0 });
      }, this.timeoutMs);
      this.pending = { id, child, resolve, timer };
      child.send({ ...c, id });
    });
  }

  stop() {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}
