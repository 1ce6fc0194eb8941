// ONNX export (Sequential.exportOnnx) and import (importOnnx). Re-exports only.

export { exportOnnx, onnxModelOf, ONNX_OPSET, ONNX_INPUT, type OnnxExportOptions, type ExportableModel } from './export-onnx.js';
export { importOnnx, modelFromOnnx, type OnnxImportOptions } from './import-onnx.js';
