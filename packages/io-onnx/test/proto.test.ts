// The committed protobuf code is exactly what scripts/gen-proto.mjs makes from proto/onnx.proto (ONNX's
// onnx.proto3), with buf and protoc-gen-es from the devDependencies; and the bytes the exporter writes
// decode back to the same message.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { Dense, Input } from '@kerasts/layers';
import { Functional } from '@kerasts/model';
import { exportOnnx, toOnnxModel } from '../src/index.js';
import { ModelProtoSchema } from '../src/proto/onnx_pb.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('ONNX protobuf code', () => {
  it('is what the generator makes from proto/onnx.proto', () => {
    const out = mkdtempSync(join(tmpdir(), 'kerasts-proto-test-'));
    try {
      execFileSync(process.execPath, [join(pkg, 'scripts', 'gen-proto.mjs'), '--out', out], { stdio: 'pipe' });
      expect(readFileSync(join(out, 'onnx_pb.ts'), 'utf8')).toBe(readFileSync(join(pkg, 'src', 'proto', 'onnx_pb.ts'), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('writes bytes that decode to the same model (opset 17, IR 8, producer kerasts)', () => {
    const x = Input({ shape: [3], name: 'x' });
    const model = new Functional({ inputs: x, outputs: new Dense({ units: 2, name: 'd' }).apply(x) });
    const bytes = exportOnnx(model);
    const back = fromBinary(ModelProtoSchema, bytes);
    expect(back.irVersion).toBe(8n);
    expect(back.opsetImport.map((o) => [o.domain, o.version])).toEqual([['', 17n]]);
    expect(back.producerName).toBe('kerasts');
    expect(toBinary(ModelProtoSchema, back)).toEqual(bytes);
    expect(toBinary(ModelProtoSchema, toOnnxModel(model))).toEqual(bytes);
  });
});
