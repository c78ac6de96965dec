/**
 * Special functions needed for the Student t distribution: log-gamma (Lanczos
 * approximation, g = 7, 9 coefficients; ~15 significant digits) and the regularized
 * incomplete beta function I_x(a, b) (continued fraction evaluated with the modified
 * Lentz method; converges fast for x < (a + 1) / (a + b + 2), the symmetry
 * I_x(a, b) = 1 - I_{1-x}(b, a) covers the rest).
 */

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Gamma(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new Error(`logGamma: x = ${x}; expected x > 0`);
  if (x < 0.5) {
    // reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x)
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) series += LANCZOS_COEFFICIENTS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(series);
}

/** Continued fraction of I_x(a, b) (without its prefactor), modified Lentz. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const maxIterations = 500;
  const tolerance = 1e-15;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    // even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m))
    let numerator = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    // odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
    numerator = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < tolerance) return result;
  }
  return result;
}

/** Regularized incomplete beta I_x(a, b), for 0 <= x <= 1, a, b > 0. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) {
    throw new Error(`regularizedIncompleteBeta: a=${a}, b=${b}; expected a > 0 and b > 0`);
  }
  if (!(x >= 0 && x <= 1)) {
    throw new Error(`regularizedIncompleteBeta: x=${x}; expected 0 <= x <= 1`);
  }
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logPrefactor = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const prefactor = Math.exp(logPrefactor);
  if (x < (a + 1) / (a + b + 2)) return (prefactor * betaContinuedFraction(x, a, b)) / a;
  return 1 - (prefactor * betaContinuedFraction(1 - x, b, a)) / b;
}
