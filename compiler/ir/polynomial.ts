/**
 * Counts that depend on the symbolic batch B and sequence length L, kept as a
 * polynomial Σ c·B^i·L^j (FLOPs are c1·B·L + c2·B·L² + c3·B for a ConvBERT),
 * so a report can print the formula and evaluate it at any (B, L).
 */
import type { Shape } from "./types.js";

/** `"i,j"` (powers of B and L) -> coefficient. */
export type Polynomial = ReadonlyMap<string, number>;

export const ZERO: Polynomial = new Map();

const keyOf = (batchPower: number, seqPower: number) => `${batchPower},${seqPower}`;
const powersOf = (key: string): [number, number] => key.split(",").map(Number) as [number, number];

/** The element count of a shape: product of its dims, `B` and `L` as symbols. */
export function shapeSize(shape: Shape): Polynomial {
  let coefficient = 1;
  let batchPower = 0;
  let seqPower = 0;
  for (const dim of shape) {
    if (dim === "B") batchPower++;
    else if (dim === "L") seqPower++;
    else coefficient *= dim;
  }
  return monomial(coefficient, batchPower, seqPower);
}

export function monomial(coefficient: number, batchPower: number, seqPower: number): Polynomial {
  return coefficient === 0 ? ZERO : new Map([[keyOf(batchPower, seqPower), coefficient]]);
}

export function add(...terms: Polynomial[]): Polynomial {
  const sum = new Map<string, number>();
  for (const p of terms) for (const [k, c] of p) sum.set(k, (sum.get(k) ?? 0) + c);
  for (const [k, c] of sum) if (c === 0) sum.delete(k);
  return sum;
}

export function scale(p: Polynomial, factor: number): Polynomial {
  return factor === 0 ? ZERO : new Map([...p].map(([k, c]) => [k, c * factor]));
}

export function evaluate(p: Polynomial, at: { batch: number; seqLen: number }): number {
  let total = 0;
  for (const [k, c] of p) {
    const [i, j] = powersOf(k);
    total += c * at.batch ** i * at.seqLen ** j;
  }
  return total;
}

/** Coefficient of B^i·L^j (0 when absent). */
export function coefficient(p: Polynomial, batchPower: number, seqPower: number): number {
  return p.get(keyOf(batchPower, seqPower)) ?? 0;
}

/** A term of the JSON form: coefficient · B^batchPower · L^seqPower. */
export interface Term {
  coefficient: number;
  batchPower: number;
  seqPower: number;
}

/** Terms highest L power first: the JSON form. */
export function toTerms(p: Polynomial): Term[] {
  return sortedTerms(p).map(([k, coefficient]) => {
    const [batchPower, seqPower] = powersOf(k);
    return { coefficient, batchPower, seqPower };
  });
}

/** `2.1e6·B·L² + 4.3e8·B·L + 1.2e6·B`, for a human. */
export function formatPolynomial(p: Polynomial, formatCoefficient: (c: number) => string = String): string {
  return formatTerms(toTerms(p), formatCoefficient);
}

export function formatTerms(terms: readonly Term[], formatCoefficient: (c: number) => string = String): string {
  const parts = terms.map(({ coefficient: c, batchPower, seqPower }) => {
    const sym = symbol(batchPower, seqPower);
    return sym ? `${formatCoefficient(c)}·${sym}` : formatCoefficient(c);
  });
  return parts.length > 0 ? parts.join(" + ") : "0";
}

function sortedTerms(p: Polynomial): [string, number][] {
  return [...p].sort(([a], [b]) => {
    const [ai, aj] = powersOf(a);
    const [bi, bj] = powersOf(b);
    return bj - aj || bi - ai;
  });
}

const SUPERSCRIPT = ["", "", "²", "³", "⁴"];
function symbol(batchPower: number, seqPower: number): string {
  const power = (name: string, n: number) => (n === 0 ? [] : [name + (SUPERSCRIPT[n] ?? `^${n}`)]);
  return [...power("B", batchPower), ...power("L", seqPower)].join("·");
}
