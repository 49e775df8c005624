// Child of the kill-during-save trials: saves to <target> over and over through the library's save
// path (the shared atomic writer every save function and the CLI use, @kerasts/tensor/node
// writeFileAtomic), alternating two model files (run.mjs writes them with saveModel: weights all 1,
// and all 2), until it is killed. With --once it saves the first once and prints what the save found
// (temporary files of killed saves that it removed). It imports only the writer, so it starts fast.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../packages/tensor/dist/node.js';

const [target, mode, ...versions] = process.argv.slice(2);
const files = versions.map((p) => new Uint8Array(readFileSync(p)));
if (mode === '--once') {
  const r = await writeFileAtomic(target, files[0], { overwrite: true });
  process.stdout.write(JSON.stringify(r) + '\n');
} else {
  process.send?.({ saving: true });
  for (let i = 0; ; i++) await writeFileAtomic(target, files[i % 2], { overwrite: true });
}
