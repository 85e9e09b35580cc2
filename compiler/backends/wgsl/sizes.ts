/**
 * Sizes in a plan that depend on the batch B and sequence length L: every
 * one is a monomial `coef * B^perB * L^perL`, evaluated at run time, so a
 * plan runs at any (B, L) without recompiling.
 */
/** `coef * B^perB * L^perL`: every runtime size in a plan is one such monomial. */
export interface SizeExpr {
  coef: number;
  perB: boolean;
  perL: boolean;
}

export const constSize = (coef: number): SizeExpr => ({ coef, perB: false, perL: false });

export function evalSize(e: SizeExpr, B: number, L: number): number {
  return e.coef * (e.perB ? B : 1) * (e.perL ? L : 1);
}

/** One grid dimension: ceil(size / divisor) workgroups. */
export interface GridDim {
  size: SizeExpr;
  divisor: number;
}

export const grid1 = (size: SizeExpr, divisor = 1): GridDim => ({ size, divisor });

export const L_SIZE: SizeExpr = { coef: 1, perB: false, perL: true };
export const B_SIZE: SizeExpr = { coef: 1, perB: true, perL: false };
/** A grid dimension of one workgroup. */
export const ONE = grid1(constSize(1));

export const sameSize = (a: SizeExpr, b: SizeExpr): boolean => a.coef === b.coef && a.perB === b.perB && a.perL === b.perL;

export const times = (a: SizeExpr, b: SizeExpr): SizeExpr => {
  if ((a.perB && b.perB) || (a.perL && b.perL)) throw new Error("size expressions are monomials of degree <= 1 in B and L");
  return { coef: a.coef * b.coef, perB: a.perB || b.perB, perL: a.perL || b.perL };
};

