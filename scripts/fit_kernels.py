#!/usr/bin/env python3
"""Polynomial and rational fits behind the float32 wasm kernels
(assembly/smooth32.ts, assembly/exp32.ts).

A polynomial fit is a Chebyshev fit (mpmath.chebyfit) or, where the error is
weighted, a near-minimax least-squares fit (Lawson), whose coefficients are
then rounded to float32 one at a time, from the highest degree down, refitting
the lower ones after each rounding, so that the rounding of the coefficients
costs almost nothing. The one rational fit (GELU's derivative) is a
reweighted linearized least-squares fit. Every fit is checked on a dense grid
with float32 evaluation (each operation rounded to float32) and its worst error
printed.

Prints the constants as AssemblyScript declarations.

Run: /usr/bin/python3 scripts/fit_kernels.py [fit ...]  (all fits by default)
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


def lawson(xs, ys, scale, free, fixed, iters):
    """Coefficients of the powers in `free` minimising max |scale·(p − y)| (Lawson's reweighting)."""
    w = [mp.mpf(1)] * len(xs)
    best = None
    for _ in range(iters):
        rows, rhs = [], []
        for x, y, s, wi in zip(xs, ys, scale, w):
            f = mp.sqrt(wi) * s
            rows.append([f * x**i for i in free])
            rhs.append(f * (y - sum(c * x**i for i, c in fixed.items())))
        a = mp.matrix(rows)
        c = mp.lu_solve(a.T * a, a.T * mp.matrix(rhs))
        errs = [
            abs(sum(c[j] * x**i for j, i in enumerate(free)) + sum(cc * x**i for i, cc in fixed.items()) - y) * s
            for x, y, s in zip(xs, ys, scale)
        ]
        if best is None or max(errs) < best[0]:
            best = (max(errs), [c[j] for j in range(len(free))])
        w = [wi * e for wi, e in zip(w, errs)]
        top = max(w)
        w = [wi / top + mp.mpf(10) ** -30 for wi in w]
    return best[1]


def minimax_f32(fn, a, b, degree, weight, points=300, iters=30):
    """
    Coefficients (highest degree first), float32, of a near-minimax fit to fn on
    [a, b] in the error weighted by weight(x), rounded to float32 from the
    highest degree down with the lower ones refitted after each rounding.
    """
    xs = [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (j + mp.mpf(1) / 2) / points) for j in range(points)]
    ys = [fn(x) for x in xs]
    scale = [weight(x) for x in xs]
    fixed = {}
    for i in range(degree, -1, -1):
        c = lawson(xs, ys, scale, list(range(i + 1)), fixed, iters)
        fixed[i] = mp.mpf(f32(c[i]))
    return [float(fixed[i]) for i in range(degree, -1, -1)]


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
    # swish'(x) = D(βx), D(z) = σ(z)(1 + z·σ(−z)): one root −t0, for every β,
    # where 1 + e^{−t} − t = 0; the kernel measures from it, e0 = e^{−t0} = t0 − 1.
    t0 = mp.findroot(lambda t: 1 + mp.exp(-t) - t, 1.278)
    print(f'const T0: f64 = {float(t0)!r};')
    print(f'const E0: f32 = {f32(mp.exp(-t0))!r};')
    print()


# GELU (exact). t = |x| is clamped to T_MAX: there the exponent of the forward
# kernel, −t²/2 + L, rounds to n = −127, so that 2^n, and with it the tail, is 0.
T_MAX = mp.mpf(f32('13.2'))
# u = (t − k)/(t + k) = 2w − 1, w = t/(t + k): the forward kernel's variable.
MAP_K = mp.mpf(2)
# gelu'(−t) = e^{−t²/2}(x1 − t)F(t) with x1 = −(root of gelu'): the derivative
# kernel takes t up to D_MAX, beyond which |gelu'(−t)| < 1e-10.
D_MAX = mp.mpf(7)


def t_of(u):
    """t for u = (t − k)/(t + k)."""
    return MAP_K * (1 + u) / (1 - u)


def polyval_f32(coefs, u):
    """Horner with float32 roundings, coefficients lowest degree first."""
    p = coefs[-1]
    for c in coefs[-2::-1]:
        p = f32(f32(p * u) + c)
    return p


def ratfit(fn, a, b, p, q, points=400, iters=30):
    """
    N(x)/M(x) ≈ fn on [a, b], N of degree p, M monic of degree q, coefficients
    lowest degree first: linearized least squares in relative error on
    Chebyshev points, reweighted (Lawson) towards the minimax fit.
    """
    xs = [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (j + mp.mpf(1) / 2) / points) for j in range(points)]
    ys = [fn(x) for x in xs]
    w = [mp.mpf(1)] * points
    den = [mp.mpf(1)] * points
    best = None
    for _ in range(iters):
        rows, rhs = [], []
        for x, y, wi, di in zip(xs, ys, w, den):
            s = wi / (abs(di) * abs(y))
            rows.append([s * x**i for i in range(p + 1)] + [-s * y * x**i for i in range(q)])
            rhs.append(s * y * x**q)
        A = mp.matrix(rows)
        c = mp.lu_solve(A.T * A, A.T * mp.matrix(rhs))
        nc = [c[i] for i in range(p + 1)]
        mc = [c[p + 1 + i] for i in range(q)] + [mp.mpf(1)]
        errs = []
        for j, x in enumerate(xs):
            den[j] = mp.polyval(mc[::-1], x)
            errs.append((mp.polyval(nc[::-1], x) / den[j] - ys[j]) / ys[j])
        m = max(abs(e) for e in errs)
        if best is None or m < best[0]:
            best = (m, nc, mc)
        w = [wi * mp.sqrt(abs(e)) for wi, e in zip(w, errs)]
        top = max(w)
        w = [wi / top for wi in w]
    return [f32(c) for c in best[1]], [f32(c) for c in best[2]]


def gelu():
    # Forward: t·Q(t) = w·e^{−t²/2 + L}, L = ln(e^{t²/2}·Q(t)·2(t + k)/k) = 0 at
    # t = 0, taken as (u + 1)·p(u) so that it keeps its digits there. Fitted in
    # the error of w·e^{L}, the tail before its exponential: p's error weighted by
    # u + 1. The kernel works in doubled units, 2L = w·P(v) with v = w − 1/2 =
    # u/2: P_k = 2^(k+2)·p_k, exactly.
    u_max = (T_MAX - MAP_K) / (T_MAX + MAP_K)

    def log_shape(u):
        t = t_of(u)
        return mp.log(mp.exp(t * t / 2) * ncdf_tail(t) * 2 * (t + MAP_K) / MAP_K)

    def p(u):
        return log_shape(u) / (u + 1) if u > -1 else mp.diff(log_shape, -1)

    fit = minimax_f32(p, -1, u_max, 9, lambda u: u + 1 + mp.mpf(10) ** -3)
    coefs = [c * 2 ** (11 - i) for i, c in enumerate(fit)]
    err = 0
    for i in range(1, 2001):
        t = f32(T_MAX * (mp.mpf(i) / 2000) ** 2)
        w = f32(t / f32(t + f32(MAP_K)))
        l2 = f32(w * horner32(coefs, f32(w - f32(0.5))))
        got = w * mp.exp(mp.mpf(l2) / 2)
        exact = t * ncdf_tail(mp.mpf(t)) * mp.exp(mp.mpf(t) ** 2 / 2)
        err = max(err, abs(got / exact - 1))
    show('P', coefs, f'2L = w·P(w − 1/2): w·e^(L) within {mp.nstr(err, 2)} relative (float32)')
    z = -T_MAX * T_MAX / 2 + log_shape(u_max)
    print(f'// at T_MAX: (−t²/2 + L)·log2 e = {mp.nstr(z / mp.log(2), 6)} (rounds to −127)')
    # Derivative: gelu'(x) = Φ(x) + x·φ(x) = 1 − gelu'(−x); its one root is −x1.
    dgelu = lambda x: mp.ncdf(x) + x * mp.npdf(x)
    x1 = -mp.findroot(dgelu, -0.75)
    print(f'const X1_HI: f32 = {f32(x1)!r};')
    print(f'const X1_LO: f32 = {f32(x1 - f32(x1))!r};')

    def f(t):
        # gelu'(−t)/(e^{−t²/2}(x1 − t)), without its removable singularity at x1
        if abs(t - x1) < mp.mpf('1e-20'):
            t = t + mp.mpf('1e-20')
        return (mp.exp(t * t / 2) * ncdf_tail(t) - t / mp.sqrt(2 * mp.pi)) / (x1 - t)

    nc, mc = ratfit(f, 0, D_MAX, 3, 3)
    err = 0
    for i in range(1401):
        t = f32(D_MAX * i / 1400)
        v = f32(polyval_f32(nc, t) / polyval_f32(mc, t))
        err = max(err, abs(v / f(mp.mpf(t)) - 1))
    print(f'// F(t) = N(t)/M(t) (M monic): {mp.nstr(err, 2)} relative')
    for i, c in enumerate(nc):
        print(f'const FN{i}: f32 = {c!r};')
    for i, c in enumerate(mc[:-1]):
        print(f'const FM{i}: f32 = {c!r};')
    print()
    # 2^r = 1 + r·q(r) on |r| <= 1/2 for e^{−t²/2} = 2^(n + r) in the derivative
    # kernel (bound 1e-5): q of degree 3, fitted in the relative error of 2^r.
    h = mp.mpf(1) / 2

    def q(r):
        return mp.expm1(r * mp.log(2)) / r if r != 0 else mp.log(2)

    coefs = minimax_f32(q, -h, h, 3, lambda r: abs(r) / mp.power(2, r) + mp.mpf(10) ** -12)
    err = max(
        abs(f32(1 + f32(r * horner32(coefs, r))) / mp.power(2, r) - 1)
        for r in (f32(-h + 2 * h * i / 2000) for i in range(2001))
    )
    show('B', coefs, f'2^r = 1 + r·q(r): {mp.nstr(err, 2)} relative (float32)')


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


def exp_low():
    # e^r = 1 + r·q(r) on |r| <= ln2/2 (plus the rounding of a one-constant
    # reduction), for the derivative kernels, whose bound is 1e-5: q of degree 3,
    # fitted in the relative error of e^r (e^0 = 1 exactly, so elu'(0) = α).
    h = mp.log(2) / 2 + mp.mpf(10) ** -6

    def q(r):
        return mp.expm1(r) / r if r != 0 else mp.mpf(1)

    coefs = minimax_f32(q, -h, h, 3, lambda r: abs(r) / mp.exp(r) + mp.mpf(10) ** -12)
    err = max(
        abs(f32(1 + f32(r * horner32(coefs, r))) / mp.exp(r) - 1)
        for r in (f32(-h + 2 * h * i / 2000) for i in range(2001))
    )
    show('X', coefs, f'e^r = 1 + r·q(r): {mp.nstr(err, 2)} relative (float32)')


# Where the exhaustive check over every float32 found the float32 kernels'
# largest errors (3 ULP for gelu and silu, 2 for sigmoid, 4 for GELU's sigmoid
# form x·σ(1.702x)): regression inputs for test/kernels/smooth-f32.test.ts, with
# their exact values.
WORST = {
    'gelu': ['-0.001955153653398156', '-2.270780324935913', '-2.3022258281707764',
             '-2.3027493953704834', '-2.5640246868133545', '-2.816413640975952'],
    'silu': ['-1.866674542427063', '-1.8666976690292358', '-2.0000009536743164',
             '-2.0004043579101562'],
    'sigmoid': ['-2.980232238769531e-7', '-7.748601547064027e-7', '-0.00003081513204961084'],
    'gelu_sigmoid': ['-3.1094419956207275', '-3.10971999168396'],
}
EXACT = {
    'gelu': lambda x: x * mp.ncdf(x),
    'silu': lambda x: x * sig(x),
    'sigmoid': sig,
    'gelu_sigmoid': lambda x: x * sig(mp.mpf('1.702') * x),
}


def worst_inputs():
    print('const WORST: [string, number, number][] = [')
    for name, xs in WORST.items():
        for x in xs:
            assert f32(x) == float(x)
            print(f"  ['{name}', {float(x)!r}, {float(EXACT[name](mp.mpf(x)))!r}],")
    print('];')


FITS = {'swish': swish, 'gelu': gelu, 'gelu_tanh': gelu_tanh, 'mish': mish, 'exp_low': exp_low, 'worst': worst_inputs}

if __name__ == '__main__':
    import sys

    for name in sys.argv[1:] or FITS:
        FITS[name]()
