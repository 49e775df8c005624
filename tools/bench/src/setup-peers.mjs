// Installs the peers that do not come from `pnpm install`: tfjs-node, whose own install script downloads
// libtensorflow from the internet (unreachable here). ../../shared/bench/install-tfjs-node.sh builds its
// binding against the libtensorflow of the tensorflow-cpu pip wheel instead. Idempotent; a failure is
// reported and the bench goes on (tfjs-node is then reported as skipped with the reason).
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BENCH_DIR, ROOT } from './common.mjs';

const dir = join(BENCH_DIR, '.peers', 'tfjs-node');
const status = join(BENCH_DIR, '.peers', 'tfjs-node.status');

function loads() {
  if (!existsSync(join(dir, 'package.json'))) return false;
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(join(dir, 'node_modules', '@tensorflow', 'tfjs-node'))})`], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
    timeout: 120000,
  });
  return r.status === 0;
}

if (loads()) {
  console.log('tfjs-node: installed');
} else {
  const candidates = [process.env.TFJS_NODE_INSTALLER, join(ROOT, '..', 'shared', 'bench', 'install-tfjs-node.sh'), '/work/shared/bench/install-tfjs-node.sh'].filter(Boolean);
  const script = candidates.find((p) => existsSync(p));
  if (!script) {
    const msg = 'tfjs-node: installer install-tfjs-node.sh not found (set TFJS_NODE_INSTALLER); tfjs-node will be skipped';
    console.log(msg);
    writeFileSync(status, msg + '\n');
  } else {
    console.log(`tfjs-node: installing into ${dir} with ${script} (builds the binding against tensorflow-cpu; a few minutes) ...`);
    const r = spawnSync('bash', [script, dir], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', timeout: 20 * 60 * 1000 });
    const ok = r.status === 0 && loads();
    const msg = ok ? 'tfjs-node: installed' : `tfjs-node: install failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`;
    console.log(msg);
    writeFileSync(status, msg + '\n');
  }
}
// Make sure the npm-installed peers resolve (they are devDependencies of this package).
const req = createRequire(join(BENCH_DIR, 'package.json'));
for (const p of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']) {
  try {
    req.resolve(p);
  } catch {
    console.log(`${p}: not installed — run pnpm install at the repository root`);
  }
}
