// Every layer class registered in @kerasts/layers has an ONNX mapping or an explicit refusal that says
// why ONNX cannot express it; a newly registered class fails here until its family file covers it.
import { describe, expect, it } from 'vitest';
import { registeredLayers } from '@kerasts/layers';
import { onnxMappedClasses, onnxMappingFor, onnxRefusalFor, onnxRefusedClasses } from '../src/index.js';

describe('the exporter covers the layer registry', () => {
  const registered = registeredLayers();
  it('has the registry', () => expect(registered.length).toBeGreaterThan(20));
  for (const className of registered) {
    it(className, () => {
      const mapping = onnxMappingFor(className);
      const refusal = onnxRefusalFor(className);
      expect(mapping !== undefined || refusal !== undefined, `${className}: no ONNX mapping and no refusal (add one in packages/io-onnx/src/layers/<family>.ts)`).toBe(true);
      expect(mapping !== undefined && refusal !== undefined, `${className}: both mapped and refused`).toBe(false);
      if (refusal !== undefined) expect(refusal.length).toBeGreaterThan(20);
    });
  }
  it('lists what it maps and refuses', () => {
    console.log(`ONNX: ${onnxMappedClasses().length} classes mapped (${onnxMappedClasses().join(', ')}); refused: ${onnxRefusedClasses().map(([c, why]) => `${c} (${why})`).join('; ') || 'none'}`);
  });
});
