// bench/.cache/: what the bench builds for itself (the FMA peak binary, synthetic CSV files). The datasets'
// caches are data/.cache/ (data/prepare/).

import { fileURLToPath } from 'node:url';

export const CACHE_DIR = fileURLToPath(new URL('./.cache/', import.meta.url));
