// The README's support table is generated from the registries; this fails when they drift apart.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { supportMarkdown } from '../src/support.js';

const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md'), 'utf8');

describe('README', () => {
  it('shows the support table the registries give (run `pnpm readme` after adding a layer, optimizer, ...)', () => {
    expect(readme).toContain(supportMarkdown());
  });
  it('gives the two commands for a fresh machine', () => {
    expect(readme).toContain('pnpm install && pnpm start');
    expect(readme).toContain('pnpm test');
  });
});
