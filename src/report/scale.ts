// Axis scales for the learning curves: the documented linear mapping from data to pixels, and "nice"
// tick values (1, 2 or 5 times a power of ten) that also set the plotted domain.

/** A closed interval [min, max] with min < max. */
export interface Domain {
  min: number;
  max: number;
}

/**
 * The linear map of [domain.min, domain.max] onto [from, to] (pixels; `to` < `from` flips the axis):
 *
 *   pixel(v) = from + (v − min) / (max − min) · (to − from)
 *
 * @example linearScale({ min: 0, max: 10 }, 60, 660)(5) // 360
 */
export function linearScale(domain: Domain, from: number, to: number): (v: number) => number {
  const k = (to - from) / (domain.max - domain.min);
  return (v) => from + (v - domain.min) * k;
}

/** Ticks and the domain they span: `ticks[0] = domain.min`, `ticks[last] = domain.max`, equally spaced. */
export interface NiceAxis {
  domain: Domain;
  ticks: number[];
  /** Decimals that print every tick exactly (from the step). */
  decimals: number;
}

/** Most ticks an axis gets, whatever the data (a guard against degenerate ranges). */
const MAX_TICKS = 25;

/**
 * About `count` nice ticks covering [lo, hi] (finite, lo <= hi): the step is 1, 2 or 5 × 10^k, and the
 * domain is widened outward to whole steps. A zero-width range is first widened to ±5% of |lo| (±1 for
 * 0), so a constant series gets a non-zero range and sits mid-axis.
 * @example niceAxis(0.13, 0.92, 5) // domain [0, 1], ticks 0, 0.2, …, 1, decimals 1
 */
export function niceAxis(lo: number, hi: number, count: number): NiceAxis {
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const span = hi - lo;
  if (!Number.isFinite(span)) return { domain: { min: lo, max: hi }, ticks: [lo, hi], decimals: 0 }; // |values| near float64 max
  let step = niceStep(span / Math.max(1, count));
  let first = Math.floor(lo / step);
  let last = Math.ceil(hi / step);
  while (last - first > MAX_TICKS) {
    step *= 2;
    first = Math.floor(lo / step);
    last = Math.ceil(hi / step);
  }
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(i * step); // i·step, not a running sum: no drift
  if (ticks.length < 2) ticks.push((last + 1) * step);
  const decimals = Math.max(0, Math.min(20, -Math.floor(Math.log10(step) + 1e-9)));
  return { domain: { min: ticks[0], max: ticks[ticks.length - 1] }, ticks, decimals };
}

/**
 * The epoch (x) axis over [lo, hi] (1-based epochs): the domain is exactly [lo, hi], so the first and
 * last epochs sit on the plot's edges, and ticks are the multiples of a whole nice step inside it. A
 * single epoch gets the domain [lo − 0.5, lo + 0.5] (its point mid-axis) and one tick.
 */
export function epochAxis(lo: number, hi: number, count: number): NiceAxis {
  if (lo === hi) return { domain: { min: lo - 0.5, max: hi + 0.5 }, ticks: [lo], decimals: Number.isInteger(lo) ? 0 : 2 };
  const span = hi - lo;
  if (!Number.isFinite(span)) return { domain: { min: lo, max: hi }, ticks: [lo, hi], decimals: 0 };
  let step = Math.max(1, Math.round(niceStep(span / Math.max(1, count))));
  while (span / step > MAX_TICKS) step *= 2;
  const ticks: number[] = [];
  for (let i = Math.ceil(lo / step); i * step <= hi; i++) ticks.push(i * step);
  if (ticks.length === 0) ticks.push(lo, hi);
  const decimals = ticks.every(Number.isInteger) ? 0 : 2;
  return { domain: { min: lo, max: hi }, ticks, decimals };
}

/** The smallest 1, 2 or 5 × 10^k that is >= raw. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw * (1 - 1e-12)) return m * power;
  return 10 * power;
}

/** A tick label: `decimals` fixed decimals, or exponent form for very large or small magnitudes. */
export function tickLabel(value: number, decimals: number): string {
  const abs = Math.abs(value);
  if (value !== 0 && (abs >= 1e7 || decimals > 6)) return value.toExponential(2);
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
