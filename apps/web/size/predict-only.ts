// The smallest useful kerasts page: load a Keras .h5 by URL and predict. Its bundle size is what
// scripts/bundle-size.mjs reports (the README's "In the browser" numbers).
import { loadModel } from '@kerasts/io-hdf5';
import { Tensor } from '@kerasts/tensor';

const model = await loadModel('samples/keras-2.0.8-lstm.h5');
const x = new Tensor(new Float32Array(8).fill(0.5), [1, 1, 8]);
const y = model.predict(x) as Tensor;
document.querySelector('#out')!.textContent = `prediction: ${y.data[0]}`;
