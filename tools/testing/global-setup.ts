// Printed once per `vitest run`: whether the suites over the real-file corpus run or are skipped.
import { SKIPPED_NO_SHARED, hasShared, sharedWhere } from './shared.js';

export default function setup(): void {
  if (hasShared) console.info(`[kerasts tests] real-file corpus: ${sharedWhere}; its suites run.`);
  else console.warn(`\n[kerasts tests] real-file corpus absent: suites over it are ${SKIPPED_NO_SHARED}\n`);
}
