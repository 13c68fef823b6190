#!/usr/bin/env python3
"""Polynomial fits behind the float32 wasm kernels (assembly/smooth32.ts).

Each fit is a Chebyshev fit (mpmath.chebyfit) whose coefficients are then
rounded to float32 one at a time, from the highest degree down, refitting the
lower ones after each rounding, so that the rounding of the coefficients costs
almost nothing. Every fit is checked on a dense grid with float32 Horner
evaluation (each operation rounded to float32) and its worst error printed.

Prints the constants as AssemblyScript declarations.

Run: /usr/bin/python3 scripts/fit_kernels.py
"""

import struct

import mpmath as mp

mp.mp.dps = 40


def f32(v):
    return struct.unpack('f', struct.pack('f', float(v)))[0]


def fit_f32(fn, a, b, degree):
    """Coefficients (highest degree first), float32, of a fit to fn on [a, b]."""
    fixed = []
    for j in range(degree, -1, -1):

        def rest(u, fixed=tuple(fixed)):
            v = fn(u)
            for i, c in enumerate(fixed):
                v -= c * u ** (degree - i)
            return v

        fixed.append(f32(mp.chebyfit(rest, [a, b], j + 1)[0]))
    return fixed


def horner32(coefs, u):
    p = coefs[0]
    for c in coefs[1:]:
        p = f32(f32(p * u) + c)
    return p


def worst(fn, coefs, a, b, relative, points=2000):
    w = 0
    for i in range(points + 1):
        u = f32(a + (b - a) * i / points)
        exact = fn(u)
        if exact == 0:
            continue
        err = abs(horner32(coefs, u) - exact)
        w = max(w, err / abs(exact) if relative else err)
    return w


def show(prefix, coefs, note):
    print(f'// {note}')
    for i, c in enumerate(coefs):
        print(f'const {prefix}{len(coefs) - 1 - i}: f32 = {c!r};')
    print()


def sig(z):
    return 1 / (1 + mp.exp(-z))


def ncdf_tail(t):
    """Q(t) = Φ(−t) = erfc(t/√2)/2."""
    return mp.erfc(t / mp.sqrt(2)) / 2


def root_patch(d, x0, radius, prefix):
    """p(u) ≈ d(x0 + u)/u on |u| <= radius: d near its simple root x0 as u·p(u)."""

    def p(u):
        return d(x0 + u) / u if u != 0 else mp.diff(d, x0)

    coefs = fit_f32(p, -radius, radius, 3)
    err = worst(p, coefs, -radius, radius, True)
    show(prefix, coefs, f'root patch at {mp.nstr(x0, 17)}: {mp.nstr(err, 2)} relative')


def swish():
    # swish'(x) = D(βx), D(z) = σ(z)(1 + z·σ(−z)): one root z0, for every β.
    z0 = mp.findroot(lambda z: 1 + z * sig(-z), -1.278)
    print(f'const Z0: f64 = {float(z0)!r};')
    root_patch(lambda z: sig(z) * (1 + z * sig(-z)), z0, mp.mpf(1) / 16, 'P')


T_MAX = mp.mpf('13.25')
MAP_K = mp.mpf('3')
# The shape factor a + t: a/2 = Q(0)(a + 0) just under 1, so that e^{L} near
# t = 0 sits at the top of its binade, where a rounding costs least.
SHAPE_A = mp.mpf('1.96')


def t_of(u):
    """t for u = (t − k)/(t + k)."""
    return MAP_K * (1 + u) / (1 - u)


def gelu():
    # Q(t)(a + t) = e^{−t²/2}·e^{L(u)}: L in the exponent of the forward kernel.
    u_max = (T_MAX - MAP_K) / (T_MAX + MAP_K)

    def shape(u):
        t = t_of(u)
        return mp.exp(t * t / 2) * ncdf_tail(t) * (SHAPE_A + t)

    def log_shape(u):
        return mp.log(shape(u))

    coefs = fit_f32(log_shape, -1, u_max, 11)
    err = worst(log_shape, coefs, -1, u_max, False)
    show('L', coefs, f'L(u) = ln(e^(t²/2)·Q(t)·(a + t)): {mp.nstr(err, 2)} absolute')
    # The derivative kernel needs R(t) = e^{t²/2}Q(t) with 1e-5 to spare: G(u)/(a + t).
    coefs = fit_f32(shape, -1, u_max, 10)
    err = worst(shape, coefs, -1, u_max, True)
    show('G', coefs, f'G(u) = e^(t²/2)·Q(t)·(a + t): {mp.nstr(err, 2)} relative')
    # gelu'(x) = Φ(x) + x·φ(x) has one root, x1 (≈ −0.75).
    dgelu = lambda x: mp.ncdf(x) + x * mp.npdf(x)
    x1 = mp.findroot(dgelu, -0.75)
    print(f'const X1_HI: f32 = {f32(x1)!r};')
    print(f'const X1_LO: f32 = {f32(x1 - f32(x1))!r};')
    root_patch(dgelu, x1, mp.mpf(1) / 16, 'D')


def gelu_tanh():
    # x·σ(z), z = x(T1 + T3·x²): f' = σ(z) + x·z'·σ(z)σ(−z) has one root, x0 (≈ −0.75).
    t1 = 2 * mp.sqrt(2 / mp.pi)
    t3 = t1 * mp.mpf('0.044715')

    def z(x):
        return x * (t1 + t3 * x * x)

    def d(x):
        return sig(z(x)) * (1 + x * (t1 + 3 * t3 * x * x) * sig(-z(x)))

    x0 = mp.findroot(d, -0.75)
    print(f'const TX0_HI: f32 = {f32(x0)!r};')
    print(f'const TX0_LO: f32 = {f32(x0 - f32(x0))!r};')
    root_patch(d, x0, mp.mpf(1) / 16, 'H')
    # Below this x, z < −104: |gelu| < FLT_MIN.
    print(f'const TANH_FLOOR: f32 = {f32(mp.findroot(lambda x: z(x) + 104, -10.7))!r};')


def mish():
    # mish = x·tanh(softplus x): f' = tanh(sp) + x·sech²(sp)·σ(x) has one root (≈ −1.19).
    def d(x):
        sp = mp.log1p(mp.exp(x))
        return mp.tanh(sp) + x * mp.sech(sp) ** 2 * sig(x)

    x0 = mp.findroot(d, -1.19)
    print(f'const MX0_HI: f32 = {f32(x0)!r};')
    print(f'const MX0_LO: f32 = {f32(x0 - f32(x0))!r};')
    root_patch(d, x0, mp.mpf(1) / 16, 'M')


if __name__ == '__main__':
    swish()
    gelu()
    gelu_tanh()
    mish()
