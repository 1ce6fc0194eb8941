// What a model's target column is: the task and the class names, saved with a model trained by the
// command line so that evaluate, predict and loadPredictor read and name the outputs the same way.

/** regression: one value; binary: two classes; multiclass: three or more. */
export type Task = 'regression' | 'binary' | 'multiclass';

/** The target of a saved model (`model.preprocessing.target`). */
export interface TargetInfo {
  /** The target column's name. */
  name: string;
  task: Task;
  /** Class names (class i is labels[i]); null for regression. */
  labels: string[] | null;
  /** For a numeric target read as classes: class i is the value classValues[i] (ascending). */
  classValues: number[] | null;
}
