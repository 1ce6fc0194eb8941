// data/iris.csv and data/breast_cancer.csv from scikit-learn's copies in Debian's `python3-sklearn`
// (sklearn/datasets/data/). scikit-learn's first line is `rows,features,class names…` and its labels are
// class indices; these files get a header of column names (scikit-learn's feature_names in snake_case) and
// the class name in a named label column. Every data value is copied as text, unchanged.
//   node --import tsx data/prepare/sklearn-csv.ts [DIR]
// DIR defaults to the installed package's directory; an unpacked .deb works too
// (`apt-get download python3-sklearn && dpkg-deb -x python3-sklearn_*.deb x`, then DIR =
// x/usr/lib/python3/dist-packages/sklearn/datasets/data). Nothing here installs or downloads anything.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_DIR = '/usr/lib/python3/dist-packages/sklearn/datasets/data';
const OUT = fileURLToPath(new URL('../', import.meta.url));

/** scikit-learn's feature_names (load_iris, load_breast_cancer), as CSV column names. */
const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']; // in cm
const CANCER_FEATURES = ['mean', 'error', 'worst'].flatMap((group) =>
  ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave_points', 'symmetry', 'fractal_dimension'].map((f) =>
    group === 'mean' ? `mean_${f}` : group === 'error' ? `${f}_error` : `worst_${f}`,
  ),
);

interface Dataset {
  file: string;
  features: string[];
  label: string;
}

const DATASETS: Dataset[] = [
  { file: 'iris.csv', features: IRIS_FEATURES, label: 'species' },
  { file: 'breast_cancer.csv', features: CANCER_FEATURES, label: 'diagnosis' },
];

/** The file in the headed format; throws when the input is not scikit-learn's format for `d`. */
export function headedCsv(text: string, d: Dataset): string {
  const [first, ...rows] = text.trimEnd().split(/\r?\n/);
  const [count, width, ...classes] = first.split(',');
  if (Number(count) !== rows.length || Number(width) !== d.features.length) {
    throw new Error(`${d.file}: the first line '${first}' does not describe ${rows.length} rows of ${d.features.length} features`);
  }
  const out = [[...d.features, d.label].join(',')];
  rows.forEach((row, i) => {
    const cells = row.split(',');
    const name = classes[Number(cells[d.features.length])];
    if (cells.length !== d.features.length + 1 || name === undefined) throw new Error(`${d.file}: data line ${i + 2} is not ${d.features.length} values and a class index`);
    out.push([...cells.slice(0, d.features.length), name].join(','));
  });
  return `${out.join('\n')}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2] ?? DEFAULT_DIR;
  for (const d of DATASETS) {
    writeFileSync(join(OUT, d.file), headedCsv(readFileSync(join(dir, d.file), 'utf8'), d));
    console.log(`wrote data/${d.file}`);
  }
}
