#!/usr/bin/env python3
"""Coefficients of the complementary error function used by float32 GELU.

Sources/_AttentionKernels/Activations.c computes
    erfc(z) = t · exp(−z² + P(t)),  t = 1 / (1 + z/2),  z ≥ 0
(the form of Numerical Recipes' erfcc) with P a polynomial of degree 15
fitted here, by least squares on Chebyshev polynomials, to Python's
math.erfc over z in [0, 26] (below erfc's underflow). Prints P's
coefficients, lowest degree first, and the largest relative error of erfc
found on a fine grid (about 3e-10: far below float32's 6e-8).

    python3 scripts/fit_normal_cdf.py
"""
import math

import numpy as np

DEGREE = 15

z = np.linspace(0, 26, 400001)
t = 1 / (1 + z / 2)
target = np.array([math.log(math.erfc(v)) + v * v for v in z]) - np.log(t)
fit = np.polynomial.chebyshev.Chebyshev.fit(t, target, DEGREE, domain=[0, 1])
coefficients = fit.convert(kind=np.polynomial.Polynomial, domain=[-1, 1], window=[-1, 1]).coef


def erfc(v):
    s = 1 / (1 + v / 2)
    total = 0.0
    for c in coefficients[::-1]:
        total = total * s + c
    return s * math.exp(-v * v + total)


worst = max(abs(erfc(v) - math.erfc(v)) / math.erfc(v) for v in np.linspace(0, 26, 100001))
for c in coefficients:
    print(f"{float(c)!r},")
print(f"largest relative error of erfc: {worst:.3g}")
