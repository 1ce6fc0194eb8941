// The CsvReader's options from JS, checked: a wrong type is a TypeError and a value out of range a
// RangeError, naming the option, before anything is read. The layout (where each field's floats go)
// is checked to cover every output column exactly once, so a read never leaves a float unwritten
// nor writes outside a row.
#pragma once

#include <napi.h>

#include <vector>

#include "../csv/config.h"
#include "../csv/dictionary.h"

namespace nntrain::binding {

// config = { delimiter: byte, header, fields, kinds: number[], missing: number[],
//            categories: (string[] | null)[], missingValues: string[], threads, blockBytes,
//            maxBlockBytes, chunkBytes, maxCategories }
// Fills *cfg and one dictionary per field (fixed category lists inserted).
void decode_csv_config(Napi::Env env, const Napi::Value& value, csv::ReaderConfig* cfg,
                       std::vector<csv::Dictionary>* dicts);

// Numbers per field in a layout (CSV_LAYOUT_WIDTH in src/backend/codes.ts).
constexpr int64_t kCsvLayoutWidth = 3;

// layout: Float64Array of kCsvLayoutWidth per field [dest (0 x, 1 y), offset, onehot (0/1)]; skip
// fields ignored.
void apply_csv_layout(Napi::Env env, const double* layout, int64_t length, int64_t x_cols,
                      int64_t y_cols, const std::vector<csv::Dictionary>& dicts,
                      csv::ReaderConfig* cfg);

}  // namespace nntrain::binding
