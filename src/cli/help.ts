// Help text beyond the option lists: examples for every command and the exit codes, printed after
// commander's generated usage. The README's "Command line" section shows the same commands.

export const EXIT_CODES_TEXT = `Exit codes:
  0    success: every file the command writes was written (and, for predict to stdout, evaluate,
       info and cv, all of the output was delivered; a closed stdout does not stop training)
  1    failure: a missing or unreadable file, an output that cannot be written (checked before
       any work), bad data (the message names file, line and column), a truncated, corrupted or
       foreign model file, training that diverged (nothing saved, or early stopping's best earlier
       weights, named in the message), stdout closed before predict/evaluate/info/cv wrote it
  2    usage: an unknown command or flag, a missing argument, a bad value (the message names the
       flag and lists the valid choices), an invalid --config file
  3    partial: the model was saved and is complete, but its report could not be written
  130  interrupted by SIGINT, 143 by SIGTERM: this run's files removed, a --checkpoint kept
       (continue with --resume)`;

export const ROOT_HELP = `
Examples:
  $ nntrain train data.csv --target label                 # a good model from the defaults
  $ nntrain evaluate data.nntrain test.csv                # accuracy: 0.9650 …
  $ nntrain predict data.nntrain new.csv --out pred.csv   # class and probabilities per row
  $ nntrain cv data.csv --target label --folds 5          # mean ± std of each metric
  $ nntrain tune data.csv --target label --grid 'lr=1e-3,1e-2 layers=64|128,64'
  $ nntrain info data.nntrain
  $ nntrain export data.nntrain --onnx data.onnx           # for onnxruntime and other ONNX runtimes

Run 'nntrain <command> --help' for a command's options.

${EXIT_CODES_TEXT}
`;

export const EXAMPLES: Record<string, string> = {
  train: `
Trains a multilayer perceptron on a CSV file. Categorical columns are one-hot encoded, missing feature
values imputed and inputs standardized (fitted on the training rows, saved in the model). The loss
follows the target: regression → mse, 2 classes → binaryCrossentropy, more → sparse categorical
cross-entropy. Early stopping (patience 10) restores the best weights. Writes MODEL, MODEL's report
(<name>.report.svg and .html) and prints the headline metrics on the validation rows.

Examples:
  $ nntrain train iris.csv --target species
  $ nntrain train houses.csv --target price --layers 256,128 --dropout 0.1 --epochs 200
  $ nntrain train data.csv --target -1 --optimizer sgd --lr 0.05 --momentum 0.9 --schedule cosine
  $ nntrain train data.csv --target label --val-file valid.csv --out models/label.nntrain
  $ nntrain train data.csv --target label --config run.json --epochs 20   # flags override the file
  $ nntrain train data.csv --target label --checkpoint-every 500          # resumable: label.ckpt
  $ nntrain train --resume data.ckpt                                      # continue after a crash
  $ nntrain train data.csv --target label --log-format json               # one JSON object per line
  $ mpirun -np 4 --hostfile hosts npx nntrain train big.csv --target label --distributed mpi

--distributed mpi trains one model with every process of the mpirun job: each reads its part of the
file, --batch-size is per process (a step trains batch-size × processes rows), and rank 0 alone prints
and writes the model and report. Under mpirun without it, every process stops (each would train its
own copy); cv, tune, ensemble, evaluate and predict run on one process, without mpirun.

A config file holds the same options by their camelCase names:
  { "target": "species", "layers": [64, 32], "lr": 0.003, "earlyStop": 5, "schedule": "cosineAnnealing" }
`,
  evaluate: `
Reads DATA.csv through the model's saved preprocessing and prints one 'name: value' line per headline
metric (classification: accuracy, macro precision/recall/F1, weighted F1, ROC AUC; regression: mse,
rmse, mae, r2), then the per-class report and confusion matrix or the regression table. Columns are
matched by name (any order; other columns are ignored). How many values were imputed, by column, is
printed (and in --json as "imputed").

Examples:
  $ nntrain evaluate iris.nntrain iris-test.csv
  $ nntrain evaluate iris.nntrain iris-test.csv --json | jq .metrics.accuracy
`,
  predict: `
Streams predictions: DATA.csv is read in chunks, so files larger than memory work. Its columns are
matched to the model's by name, in any order; other columns (and those train --ignore'd) are ignored,
and the target column may be absent. Output columns: the --keep columns as the file holds them, the
target (predicted class or value), then prob_<class> per class. A category training never saw is an
error unless --unknown ignore (or train --unknown ignore) reads it as no category.

Examples:
  $ nntrain predict iris.nntrain new.csv --out predictions.csv
  $ nntrain predict iris.nntrain new.csv > predictions.csv
  $ nntrain predict churn.nntrain customers.csv --keep id,customer --unknown ignore --out scores.csv
`,
  cv: `
k-fold cross-validation (stratified for classification, seeded shuffle). Each fold fits its own
preprocessing and holds out --val-split of its training rows for early stopping. Prints each fold's
metrics and the mean ± std (population std) of each.

Examples:
  $ nntrain cv iris.csv --target species --folds 5
  $ nntrain cv houses.csv --target price --folds 10 --epochs 50 --log-format json
`,
  tune: `
Grid search over --grid, or seeded random search with --trials N, on one validation split. Prints a
ranked table and saves the best model (with its report) to --out.

Grid syntax: words key=v1,v2; use '|' between values that hold commas (layer lists). Keys: lr, batch,
layers, dropout, activation, optimizer, l1, l2, momentum, weight-decay, epochs, early-stop, schedule, …

Examples:
  $ nntrain tune iris.csv --target species --grid 'lr=1e-3,1e-2 batch=32,128 layers=128|256,128'
  $ nntrain tune data.csv --target y --grid 'lr=1e-4,3e-4,1e-3,3e-3 dropout=0,0.1,0.3' --trials 6
`,
  ensemble: `
Trains N models with seeds seed, seed+1, … on the same split, averages their predictions and compares
the average with each single model. Saves the members (<name>.member<k>.nntrain) and a manifest at
--out that evaluate, predict and info load like a model. 'nntrain train --ensemble N' does the same.

Examples:
  $ nntrain ensemble iris.csv --target species --models 5
  $ nntrain train iris.csv --target species --ensemble 5 --out iris-ensemble.nntrain
`,
  export: `
Writes MODEL as an ONNX model (opset 17): one Gemm and the activation's nodes per dense layer, dropout
and noise left out. The saved imputer (missing cells, NaN, get the training fill values) and scaler are
folded in before the first Gemm, and a regression target's scaling after the last, so the ONNX model
takes the raw numeric columns (one-hot columns as 0/1) in the order of its 'columns' metadata and gives
what 'nntrain predict' computes: input 'features' (rows × columns), output 'probabilities' (softmax or
sigmoid) or 'output'. Class names are in the 'labels' metadata.

Examples:
  $ nntrain export iris.nntrain --onnx iris.onnx
  $ nntrain export iris.nntrain --onnx iris-net.onnx --no-preprocessing
`,
  info: `
Without MODEL: the version and the backend and SIMD kernel in use. With MODEL: what the file holds
(format version, architecture, target and classes, preprocessing, a checkpoint's position).

Examples:
  $ nntrain info
  $ nntrain info iris.nntrain --json
`,
};

/** A command's help epilogue: its examples and the exit codes. */
export function commandHelp(command: string): string {
  return `${EXAMPLES[command] ?? ''}\n${EXIT_CODES_TEXT}\n`;
}
