/**
 * Human units for a row of numbers: one unit per row, chosen from the row's
 * largest value, so values in a row compare at a glance (0.35 GFLOP next to
 * 21.28 GFLOP, never 350 MFLOP next to 21.28 GFLOP).
 */

/** What a number measures; decides its unit ladder and formatting. */
export type Quantity = "count" | "flops" | "bytes" | "seconds" | "share";

interface Unit {
  name: string;
  scale: number;
}

const LADDERS: Record<Exclude<Quantity, "count" | "share">, { units: Unit[]; digits: number }> = {
  flops: { units: [{ name: "FLOP", scale: 1 }, { name: "KFLOP", scale: 1e3 }, { name: "MFLOP", scale: 1e6 }, { name: "GFLOP", scale: 1e9 }, { name: "TFLOP", scale: 1e12 }], digits: 2 },
  bytes: { units: [{ name: "B", scale: 1 }, { name: "KiB", scale: 2 ** 10 }, { name: "MiB", scale: 2 ** 20 }, { name: "GiB", scale: 2 ** 30 }], digits: 1 },
  seconds: { units: [{ name: "ns", scale: 1e-9 }, { name: "µs", scale: 1e-6 }, { name: "ms", scale: 1e-3 }, { name: "s", scale: 1 }], digits: 2 },
};

/** The base unit a quantity's raw numbers are in (CSV and JSON). */
export const BASE_UNIT: Record<Quantity, string> = { count: "count", flops: "FLOP", bytes: "bytes", seconds: "s", share: "fraction" };

/**
 * A formatter for every value of a row: the largest unit that keeps the row's
 * largest value at or above 1, with enough decimals to give its smallest
 * non-zero value two significant digits (0.017 GFLOP beside 2.463 GFLOP).
 */
export function rowFormatter(quantity: Quantity, values: readonly (number | null)[]): (value: number) => string {
  if (quantity === "count") return (n) => n.toLocaleString("en-US");
  if (quantity === "share") return (x) => `${(100 * x).toFixed(1)} %`;
  const { units, digits } = LADDERS[quantity];
  const magnitudes = values.filter((v): v is number => v !== null && v !== 0).map(Math.abs);
  const largest = Math.max(0, ...magnitudes);
  const unit = [...units].reverse().find((u) => largest >= u.scale) ?? units[0];
  const smallest = Math.min(Infinity, ...magnitudes) / unit.scale;
  const decimals = smallest < 1 ? Math.min(6, Math.max(digits, Math.ceil(-Math.log10(smallest)) + 1)) : digits;
  return (n) => `${(n / unit.scale).toFixed(decimals)} ${unit.name}`;
}
