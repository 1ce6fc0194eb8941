// Fashion-MNIST from CSV to a trained model: 60,000 training rows × 785 columns (label first, then 784
// integer pixels) read by the native CSV reader, standardized with a scaler fitted on the training rows,
// a 784-256-128-10 ReLU network trained with Adam, then the 10,000-row test CSV read with the same schema
// and scaler. The CSV files are built from Debian's dataset-fashion-mnist package
// (data/prepare/fashion-mnist.ts; install the package with apt-get first).
//   npx tsx examples/fashion-mnist-csv.ts [--epochs N] [--stream]
// --stream never holds the file: each epoch reads it again in blocks of 16,384 rows (the shuffle window;
// ~52 MB of block buffer), after one pass that fits the scaler. The last line printed is the test accuracy.

import { cachePath, prepareFashionMnist } from '../data/prepare/fashion-mnist.js';
import { csvDataset, layers, optimizers, readCsv, scalers, Sequential, type DataBlock, type Scaler } from '../src/index.js';

const epochsArg = process.argv.indexOf('--epochs');
const EPOCHS = epochsArg > 0 ? Number(process.argv[epochsArg + 1]) : 5;
const STREAM = process.argv.includes('--stream');
const SEED = 1;

function buildModel(): Sequential {
  const model = new Sequential({ seed: SEED });
  model.add(layers.dense({ units: 256, activation: 'relu', inputShape: [784] }));
  model.add(layers.dense({ units: 128, activation: 'relu' }));
  model.add(layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function inMemory(model: Sequential): Promise<number> {
  const t0 = performance.now();
  const train = await readCsv(cachePath('train', 'csv'), { header: false, target: 0 });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`read ${train.x.rows} rows × ${train.x.cols + 1} columns (${(train.bytes / 1e6).toFixed(0)} MB) in ${seconds.toFixed(2)} s (${train.backend} reader)`);
  const scaler = scalers.standard().fit(train.x);
  const x = scaler.transform(train.x, train.x); // in place: no second copy of the data
  await model.fit(x, train.y!, { epochs: EPOCHS, batchSize: 128, seed: SEED, verbose: 1 });
  const test = await readCsv(cachePath('test', 'csv'), { schema: train.schema });
  return (await model.evaluate(scaler.transform(test.x, test.x), test.y!)).accuracy;
}

async function streaming(model: Sequential): Promise<number> {
  const train = await csvDataset(cachePath('train', 'csv'), { header: false, target: 0, bufferRows: 16_384 });
  const test = await csvDataset(cachePath('test', 'csv'), { schema: train.stream.schema, bufferRows: 16_384 });
  try {
    const scaler: Scaler = scalers.standard();
    for await (const block of train.blocks()) scaler.partialFit(block.x); // the statistics pass
    const standardize = (b: DataBlock): void => void scaler.transform(b.x, b.x);
    train.transform = standardize;
    test.transform = standardize;
    console.log(`streaming ${train.rows} rows in blocks of ${train.maxBlockRows}`);
    await model.fit(train, { epochs: EPOCHS, batchSize: 128, seed: SEED, verbose: 1 });
    return (await model.evaluate(test)).accuracy;
  } finally {
    await train.close();
    await test.close();
  }
}

await prepareFashionMnist({ csv: true });
const model = buildModel();
const accuracy = STREAM ? await streaming(model) : await inMemory(model);
console.log(`test accuracy: ${accuracy.toFixed(4)}`);
