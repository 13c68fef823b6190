#!/usr/bin/env python3
"""Independent reference values for the activation conformance suite.

Every activation is written here from its mathematical definition in mpmath
(50 significant digits, more where |x| is extreme so that no cancellation can
hide), not from the TypeScript code. Derivatives are analytic formulas, checked
against mpmath's numerical differentiation on the grid. Kink conventions follow
current PyTorch (see DESIGN.md): relu'(0) = 0, hardswish'(3) = 1, and so on.

Writes test/fixtures/elementwise.json and test/fixtures/vector.json. The tests
only read those files; they never run Python.

Encoding: numbers are written with repr (shortest round-trip form); NaN and
±Infinity are the strings "NaN", "Infinity", "-Infinity"; -0.0 stays -0.0.
Every x is exactly representable in float32 unless listed in `f64only`.
`anySignZero` lists the points whose reference output is zero with no sign to
honour (an exact zero, or a limit at ±∞); elsewhere a zero output carries the
sign of the exact, underflowed value (gelu(-40) = -0).

Run: python3 scripts/gen_fixtures.py
"""

import json
import math
import random
import struct
from fractions import Fraction
from pathlib import Path

import mpmath as mp

DPS = 50
mp.mp.dps = DPS
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / 'test' / 'fixtures'

INF = float('inf')
NAN = float('nan')
# Stand-ins for ±∞: far beyond float64, so every value rounds to its limit.
HUGE = mp.mpf('1e400')
# -0 is evaluated as the limit from the left, which fixes the sign of a zero output.
TINY = mp.mpf('1e-400')

SELU_ALPHA = '1.6732632423543772848170429916717'
SELU_SCALE = '1.0507009873554804934193349852946'


# --- float helpers ------------------------------------------------------------


def f32(v):
    """v rounded to float32, or None when float32 cannot hold it (overflow)."""
    try:
        return struct.unpack('f', struct.pack('f', v))[0]
    except OverflowError:
        return None


def enc(v):
    if isinstance(v, str):
        return v
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return float(v)


def to_float(v):
    """Rounds an mpf (or a float NaN) to the nearest float64."""
    if isinstance(v, float):
        return v
    if mp.isnan(v):
        return NAN
    return float(v)


def exact(s):
    """A parameter given as text ('1/6', '0.2') as an exact rational in mpmath."""
    q = Fraction(s)
    return mp.mpf(q.numerator) / q.denominator


# --- mpmath building blocks ---------------------------------------------------


def sig(z):
    return 1 / (1 + mp.exp(-z))


def sech2(z):
    return mp.sech(z) ** 2


def softplus_raw(z):
    return mp.log1p(mp.exp(z))


def norm_cdf(z):
    """Φ(z); mpmath's erfc fails for astronomically large arguments, where the
    asymptotic series is exact to far beyond float64 (and the value underflows)."""
    if z < -1e4:
        z2 = z * z
        series = 1 - 1 / z2 + 3 / z2**2 - 15 / z2**3
        return mp.exp(-z2 / 2) / (-z * mp.sqrt(2 * mp.pi)) * series
    if z > 1e4:
        return 1 - norm_cdf(-z)
    return mp.erfc(-z / mp.sqrt(2)) / 2


def norm_pdf(z):
    return mp.exp(-z * z / 2) / mp.sqrt(2 * mp.pi)


ZERO = mp.mpf(0)
ONE = mp.mpf(1)


# --- the activations ----------------------------------------------------------
#
# Each entry: defaults (parameter text), f(x, p), df(x, p) away from kinks,
# kinks(p) -> [(at, derivative)], breaks(p) -> points where the formula changes
# branch (a superset of the kinks), dparams {name: d/dθ}, smoothness(p), and
# limit_nan: quantities whose limit at ±∞ does not exist (snake oscillates).


def act(defaults, f, df, kinks=None, breaks=None, dparams=None, smooth='Cinf', limit_nan=()):
    return {
        'defaults': defaults,
        'f': f,
        'df': df,
        'kinks': kinks or (lambda p: []),
        'breaks': breaks,
        'dparams': dparams or {},
        'smooth': smooth if callable(smooth) else (lambda p, s=smooth: s),
        'limit_nan': limit_nan,
    }


def piecewise_relu_like(slope_name):
    def f(x, p):
        return x if x > 0 else p[slope_name] * x

    def df(x, p):
        return ONE if x > 0 else p[slope_name]

    return f, df


def gelu_f(x, p):
    a = p['approximate']
    if a == 'tanh':
        u = mp.sqrt(2 / mp.pi) * (x + mp.mpf('0.044715') * x**3)
        return x * sig(2 * u)  # (1 + tanh u)/2 = σ(2u): 1 + tanh u cancels for u << 0
    if a == 'sigmoid':
        return x * sig(mp.mpf('1.702') * x)
    return x * norm_cdf((x - p['mu']) / p['sigma'])


def gelu_df(x, p):
    a = p['approximate']
    if a == 'tanh':
        c = mp.sqrt(2 / mp.pi)
        u = c * (x + mp.mpf('0.044715') * x**3)
        du = c * (1 + 3 * mp.mpf('0.044715') * x**2)
        return sig(2 * u) + x * sech2(u) * du / 2
    if a == 'sigmoid':
        return swish_df(x, mp.mpf('1.702'))
    z = (x - p['mu']) / p['sigma']
    return norm_cdf(z) + x * norm_pdf(z) / p['sigma']


def swish_f(x, beta):
    return x * sig(beta * x)


def swish_df(x, beta):
    z = beta * x
    return sig(z) + z * sig(z) * sig(-z)


def softplus_f(x, p):
    z = p['beta'] * x
    return x if z > p['threshold'] else softplus_raw(z) / p['beta']


def softplus_df(x, p):
    z = p['beta'] * x
    return ONE if z > p['threshold'] else sig(z)


def squareplus_f(x, p):
    r = mp.sqrt(x * x + p['b'])
    # For x < 0 the sum cancels; (x + r)/2 = b / (2(r - x)).
    return (x + r) / 2 if x >= 0 else p['b'] / (2 * (r - x))


def squareplus_df(x, p):
    r = mp.sqrt(x * x + p['b'])
    return (1 + x / r) / 2 if x >= 0 else p['b'] / (2 * r * (r - x))


def tanhshrink_f(x, p):
    if abs(x) < mp.mpf('1e-6'):
        x2 = x * x  # series: x - tanh x = x³/3 - 2x⁵/15 + 17x⁷/315 - ...
        return x * x2 * (mp.mpf(1) / 3 - 2 * x2 / 15 + 17 * x2 * x2 / 315 - 62 * x2**3 / 2835)
    return x - mp.tanh(x)


def hardsigmoid_f(x, p):
    # In exact rationals: 50-digit 1/6 would leave a residue of 1e-52 at the kink -3.
    if abs(x) > 1e300 or mp.mpf(float(x)) != x:  # ±∞ stand-ins, mp.diff's probes
        v = p['slope'] * x + p['offset']
    else:
        q = p['exact']['slope'] * Fraction(float(x)) + p['exact']['offset']
        v = mp.mpf(q.numerator) / q.denominator
    return min(max(v, ZERO), ONE)


def hardsigmoid_kinks(p):
    return [(-p['offset'] / p['slope'], ZERO), ((1 - p['offset']) / p['slope'], ZERO)]


def hardsigmoid_df(x, p):
    lo, hi = (k for k, _ in hardsigmoid_kinks(p))
    return p['slope'] if lo < x < hi else ZERO


def snake_f(x, p):
    a = p['alpha']
    return x + mp.sin(a * x) ** 2 / a


def snake_df(x, p):
    return 1 + mp.sin(2 * p['alpha'] * x)


def snake_dalpha(x, p):
    a = p['alpha']
    return x * mp.sin(2 * a * x) / a - mp.sin(a * x) ** 2 / a**2


ACTS = {
    'linear': act({}, lambda x, p: x, lambda x, p: ONE),
    'sigmoid': act({}, lambda x, p: sig(x), lambda x, p: sig(x) * sig(-x)),
    'tanh': act({}, lambda x, p: mp.tanh(x), lambda x, p: sech2(x)),
    'hardtanh': act(
        {'min_val': '-1', 'max_val': '1'},
        lambda x, p: min(max(x, p['min_val']), p['max_val']),
        lambda x, p: ONE if p['min_val'] < x < p['max_val'] else ZERO,
        kinks=lambda p: [(p['min_val'], ZERO), (p['max_val'], ZERO)],
        smooth='C0',
    ),
    'relu': act(
        {},
        lambda x, p: max(x, ZERO),
        lambda x, p: ONE if x > 0 else ZERO,
        kinks=lambda p: [(ZERO, ZERO)],
        smooth='C0',
    ),
    'relu6': act(
        {},
        lambda x, p: min(max(x, ZERO), mp.mpf(6)),
        lambda x, p: ONE if 0 < x < 6 else ZERO,
        kinks=lambda p: [(ZERO, ZERO), (mp.mpf(6), ZERO)],
        smooth='C0',
    ),
    'leaky_relu': act(
        {'negative_slope': '0.01'},
        *piecewise_relu_like('negative_slope'),
        kinks=lambda p: [(ZERO, p['negative_slope'])],
        smooth='C0',
    ),
    'prelu': act(
        {'alpha': '0.25'},
        *piecewise_relu_like('alpha'),
        kinks=lambda p: [(ZERO, p['alpha'])],
        dparams={'alpha': lambda x, p: x if x < 0 else ZERO},
        smooth='C0',
    ),
    'rrelu': act(
        {'lower': '1/8', 'upper': '1/3'},
        lambda x, p: x if x > 0 else (p['lower'] + p['upper']) / 2 * x,
        lambda x, p: ONE if x > 0 else (p['lower'] + p['upper']) / 2,
        kinks=lambda p: [(ZERO, (p['lower'] + p['upper']) / 2)],
        smooth='C0',
    ),
    'thresholded_relu': act(
        {'theta': '1'},
        lambda x, p: x if x > p['theta'] else ZERO,
        lambda x, p: ONE if x > p['theta'] else ZERO,
        kinks=lambda p: [(p['theta'], ZERO)],
        smooth=lambda p: 'C0' if p['theta'] == 0 else 'discontinuous',
    ),
    'threshold': act(
        {'threshold': '0', 'value': '0'},
        lambda x, p: x if x > p['threshold'] else p['value'],
        lambda x, p: ONE if x > p['threshold'] else ZERO,
        kinks=lambda p: [(p['threshold'], ZERO)],
        smooth=lambda p: 'C0' if p['threshold'] == p['value'] else 'discontinuous',
    ),
    'elu': act(
        {'alpha': '1'},
        lambda x, p: x if x > 0 else p['alpha'] * mp.expm1(x),
        lambda x, p: ONE if x > 0 else p['alpha'] * mp.exp(x),
        kinks=lambda p: [(ZERO, p['alpha'])],
        dparams={'alpha': lambda x, p: ZERO if x > 0 else mp.expm1(x)},
        smooth=lambda p: 'C1' if p['alpha'] == 1 else 'C0',
    ),
    'celu': act(
        {'alpha': '1'},
        lambda x, p: x if x > 0 else p['alpha'] * mp.expm1(x / p['alpha']),
        lambda x, p: ONE if x > 0 else mp.exp(x / p['alpha']),
        breaks=lambda p: [ZERO],
        smooth='C1',
    ),
    'selu': act(
        {},
        lambda x, p: exact(SELU_SCALE) * (x if x > 0 else exact(SELU_ALPHA) * mp.expm1(x)),
        lambda x, p: exact(SELU_SCALE) * (ONE if x > 0 else exact(SELU_ALPHA) * mp.exp(x)),
        kinks=lambda p: [(ZERO, exact(SELU_SCALE) * exact(SELU_ALPHA))],
        smooth='C0',
    ),
    'gelu': act({'approximate': 'none', 'mu': '0', 'sigma': '1'}, gelu_f, gelu_df),
    'silu': act({}, lambda x, p: swish_f(x, ONE), lambda x, p: swish_df(x, ONE)),
    'swish': act(
        {'beta': '1'},
        lambda x, p: swish_f(x, p['beta']),
        lambda x, p: swish_df(x, p['beta']),
        dparams={
            'beta': lambda x, p: x * x * sig(p['beta'] * x) * sig(-p['beta'] * x),
        },
    ),
    'mish': act(
        {},
        lambda x, p: x * mp.tanh(softplus_raw(x)),
        lambda x, p: mp.tanh(softplus_raw(x)) + x * sech2(softplus_raw(x)) * sig(x),
    ),
    'softplus': act(
        {'beta': '1', 'threshold': '20'},
        softplus_f,
        softplus_df,
        # Linear beyond the threshold (PyTorch): a jump of about e^-threshold, invisible in
        # float64 arithmetic at the defaults, so the function is classed as smooth.
        kinks=lambda p: [(p['threshold'] / p['beta'], sig(p['threshold']))],
    ),
    'softsign': act(
        {},
        lambda x, p: x / (1 + abs(x)),
        lambda x, p: 1 / (1 + abs(x)) ** 2,
        breaks=lambda p: [ZERO],
        smooth='C1',
    ),
    'log_sigmoid': act({}, lambda x, p: -softplus_raw(-x), lambda x, p: sig(-x)),
    'hardsigmoid': act(
        {'slope': '1/6', 'offset': '1/2'},
        hardsigmoid_f,
        hardsigmoid_df,
        kinks=hardsigmoid_kinks,
        smooth='C0',
    ),
    'hardswish': act(
        {},
        lambda x, p: ZERO if x <= -3 else (x if x >= 3 else x * (x + 3) / 6),
        lambda x, p: ZERO if x < -3 else (ONE if x > 3 else (2 * x + 3) / 6),
        kinks=lambda p: [(mp.mpf(-3), ZERO), (mp.mpf(3), ONE)],
        smooth='C0',
    ),
    'hardshrink': act(
        {'lambda': '1/2'},
        lambda x, p: x if abs(x) > p['lambda'] else ZERO,
        lambda x, p: ONE if abs(x) > p['lambda'] else ZERO,
        kinks=lambda p: [(-p['lambda'], ZERO), (p['lambda'], ZERO)],
        smooth=lambda p: 'C0' if p['lambda'] == 0 else 'discontinuous',
    ),
    'softshrink': act(
        {'lambda': '1/2'},
        lambda x, p: x - p['lambda']
        if x > p['lambda']
        else (x + p['lambda'] if x < -p['lambda'] else ZERO),
        lambda x, p: ONE if abs(x) > p['lambda'] else ZERO,
        kinks=lambda p: [(-p['lambda'], ZERO), (p['lambda'], ZERO)],
        smooth='C0',
    ),
    'tanhshrink': act({}, tanhshrink_f, lambda x, p: mp.tanh(x) ** 2),
    'squareplus': act({'b': '4'}, squareplus_f, squareplus_df),
    'relu_squared': act(
        {},
        lambda x, p: max(x, ZERO) ** 2,
        lambda x, p: 2 * max(x, ZERO),
        breaks=lambda p: [ZERO],
        smooth='C1',
    ),
    'exponential': act({}, lambda x, p: mp.exp(x), lambda x, p: mp.exp(x)),
    'snake': act(
        {'alpha': '1'},
        snake_f,
        snake_df,
        dparams={'alpha': snake_dalpha},
        limit_nan=('df', 'alpha'),
    ),
}

# Non-default parameter sets; the first case of each activation uses the defaults.
VARIANTS = {
    'hardtanh': [{'min_val': '-2', 'max_val': '3'}],
    'leaky_relu': [{'negative_slope': '0.2'}],
    'prelu': [{'alpha': '0.01'}, {'alpha': '0'}],
    'rrelu': [{'lower': '0.1', 'upper': '0.3'}],
    'thresholded_relu': [{'theta': '0.5'}],
    'threshold': [{'threshold': '0.5', 'value': '-1'}],
    'elu': [{'alpha': '0.5'}],
    'celu': [{'alpha': '2'}],
    'gelu': [{'approximate': 'tanh'}, {'approximate': 'sigmoid'}, {'mu': '0.5', 'sigma': '2'}],
    'swish': [{'beta': '1.702'}, {'beta': '0.5'}],
    'softplus': [{'beta': '2', 'threshold': '10'}],
    'hardsigmoid': [{'slope': '0.2'}],
    'hardshrink': [{'lambda': '1'}],
    'softshrink': [{'lambda': '1'}],
    'squareplus': [{'b': '1'}],
    'snake': [{'alpha': '0.5'}],
}

CHOICE_PARAMS = {'approximate'}


def parse_params(text):
    p = {k: (v if k in CHOICE_PARAMS else exact(v)) for k, v in text.items()}
    p['exact'] = {k: Fraction(v) for k, v in text.items() if k not in CHOICE_PARAMS}
    return p


def json_params(text):
    return {k: (v if k in CHOICE_PARAMS else float(Fraction(v))) for k, v in text.items()}


# --- points -------------------------------------------------------------------

GRID = [float(Fraction(i, 10) - 20) for i in range(401)]
GRID32 = {f32(v) for v in GRID}
EXTREMES = [
    1e-300, 1e-30, 1e-8, 1e-3, 0.5, 29, 40, 100, 745, 1000, 1e9, 1e30, 3.4e38, 1e308,
]


def base_points():
    pts = list(GRID) + [-0.0, INF, -INF, NAN]
    for v in EXTREMES:
        pts += [v, -v]
    return pts


def point_key(x):
    return 'nan' if math.isnan(x) else struct.pack('>d', x)


def sort_key(x):
    if math.isnan(x):
        return (1, 0.0)
    return (0, x, 0 if math.copysign(1, x) < 0 else 1)


def points_for(kinks):
    """(x, f64only) pairs; x is rounded to float32 where float32 can hold it."""
    raw = base_points()
    for at, _ in kinks:
        raw += [at, at - 1e-3, at + 1e-3]
    seen = {}
    for v in raw:
        r = f32(v)
        if r is None or (r == 0 and v != 0) or math.isinf(v) or math.isnan(v):
            x, only64 = v, r is None or (r == 0 and v != 0)
        else:
            x, only64 = r, False
        seen.setdefault(point_key(x), (x, only64))
    return sorted(seen.values(), key=lambda t: sort_key(t[0]))


def workdps(x):
    """Extra digits for extreme |x|: x - tanh x at 1e-300 or √(x² + b) - |x| at 1e30
    cancel about 2·|log10 |x|| digits."""
    if x == 0 or not mp.isfinite(x):
        return DPS
    return DPS + 10 + int(2 * abs(float(mp.log10(abs(x)))))


# --- elementwise evaluation ---------------------------------------------------


def evaluate(a, x, p, kinks):
    """Reference (y, dydx, {θ: dy/dθ}, y_is_signless_zero) at the double x."""
    names = list(a['dparams'])
    if math.isnan(x):
        return NAN, NAN, {n: NAN for n in names}, False
    if math.isinf(x):
        xm = HUGE if x > 0 else -HUGE
        with mp.workdps(workdps(xm)):
            y = to_float(a['f'](xm, p))
            d = NAN if 'df' in a['limit_nan'] else to_float(a['df'](xm, p))
            dp = {
                n: NAN if n in a['limit_nan'] else to_float(fn(xm, p))
                for n, fn in a['dparams'].items()
            }
        return y, d, dp, y == 0
    xm = mp.mpf(x)
    with mp.workdps(workdps(xm if x != 0 else TINY)):
        if x == 0 and math.copysign(1, x) < 0:
            yv = a['f'](-TINY, p)
        else:
            yv = a['f'](xm, p)
        kink = next((d for at, d in kinks if at == xm), None)
        dv = kink if kink is not None else a['df'](xm, p)
        dp = {n: to_float(fn(xm, p)) for n, fn in a['dparams'].items()}
        return to_float(yv), to_float(dv), dp, yv == 0


def check_derivatives(a, p, x, kinks, breaks, d_ref, dp_ref):
    """Cross-checks the analytic derivatives against mpmath's numerical ones."""
    if not math.isfinite(x) or abs(x) > 25:
        return
    xm = mp.mpf(x)
    if any(abs(xm - b) < mp.mpf('1e-6') for b in breaks):
        return
    with mp.workdps(60):
        num = mp.diff(lambda t: a['f'](t, p), xm)
        assert abs(num - mp.mpf(d_ref)) <= mp.mpf('1e-14') * abs(num) + mp.mpf('1e-40'), (
            x,
            num,
            d_ref,
        )
        for n, fn in a['dparams'].items():
            q = dict(p)

            def in_param(t, n=n, q=q):
                q[n] = t
                return a['f'](xm, q)

            num = mp.diff(in_param, p[n])
            ref = mp.mpf(dp_ref[n])
            assert abs(num - ref) <= mp.mpf('1e-14') * abs(num) + mp.mpf('1e-40'), (x, n)


def snap(at):
    """A kink such as (1 - offset)/slope is rational; 50-digit division leaves it a
    hair away from the double it equals."""
    near = mp.mpf(float(at))
    return near if abs(at - near) <= mp.mpf('1e-40') * max(1, abs(near)) else at


def elementwise_case(act_id, given_text):
    a = ACTS[act_id]
    values_text = {**a['defaults'], **given_text}
    p = parse_params(values_text)
    kinks = [(snap(at), d) for at, d in a['kinks'](p)]
    breaks = [at for at, _ in kinks] + (a['breaks'](p) if a['breaks'] else [])
    pts = points_for([(float(at), d) for at, d in kinks])
    xs, ys, ds, f64only, signless = [], [], [], [], []
    dps = {n: [] for n in a['dparams']}
    for i, (x, only64) in enumerate(pts):
        y, d, dp, zero = evaluate(a, x, p, kinks)
        if x in GRID32:
            check_derivatives(a, p, x, kinks, breaks, d, dp)
        xs.append(enc(x))
        ys.append(enc(y))
        ds.append(enc(d))
        for n in dps:
            dps[n].append(enc(dp[n]))
        if only64:
            f64only.append(i)
        if y == 0 and (zero or math.isinf(x)):
            signless.append(i)
    for at, _ in kinks:
        assert f32(float(at)) == float(at) and mp.mpf(float(at)) == at, (act_id, at)
    case = {
        'id': act_id,
        'given': json_params(given_text),
        'values': json_params(values_text),
        'smoothness': a['smooth'](p),
        'kinks': [{'at': float(at), 'derivative': enc(to_float(d))} for at, d in kinks],
        'breaks': sorted({float(b) for b in breaks}),
        'x': xs,
        'y': ys,
        'dydx': ds,
        'f64only': f64only,
        'anySignZero': signless,
    }
    if dps:
        case['dparams'] = dps
    return case


# --- vector activations -------------------------------------------------------


def softmax_m(x):
    if all(v == -mp.inf for v in x):
        return [ONE / len(x)] * len(x)
    m = max(x)
    e = [mp.exp(v - m) for v in x]
    s = sum(e)
    return [v / s for v in e]


def softmax_jac(s):
    n = len(s)
    return [[(s[j] if i == j else 0) - s[j] * s[i] for i in range(n)] for j in range(n)]


def v_softmax(x, p):
    s = softmax_m(x)
    return s, softmax_jac(s)


def v_log_softmax(x, p):
    s = softmax_m(x)
    if all(v == -mp.inf for v in x):
        y = [-mp.log(len(x))] * len(x)
    else:
        m = max(x)
        lse = m + mp.log(sum(mp.exp(v - m) for v in x))
        y = [v - lse for v in x]
    n = len(x)
    return y, [[(1 if i == j else 0) - s[i] for i in range(n)] for j in range(n)]


def v_softmin(x, p):
    # An all -∞ slice is the limit of equal logits, like softmax's.
    s = softmax_m(x) if all(v == -mp.inf for v in x) else softmax_m([-v for v in x])
    return s, [[-v for v in row] for row in softmax_jac(s)]


def v_sparsemax(x, p):
    z = sorted(x, reverse=True)
    cum, k, kcum = ZERO, 0, ZERO
    for i, v in enumerate(z, start=1):
        cum += v
        if 1 + i * v > cum:
            k, kcum = i, cum
    tau = (kcum - 1) / k
    y = [max(v - tau, ZERO) for v in x]
    sup = [1 if v > tau else 0 for v in x]
    n = len(x)
    jac = [[(sup[j] if i == j else 0) - mp.mpf(sup[j] * sup[i]) / k for i in range(n)] for j in range(n)]
    return y, jac


def v_maxout(x, p):
    k = 2
    n = len(x)
    y, jac = [], []
    for g in range(n // k):
        group = x[g * k : (g + 1) * k]
        best = max(range(k), key=lambda i: group[i])
        y.append(group[best])
        jac.append([1 if i == g * k + best else 0 for i in range(n)])
    return y, jac


def gated(act_f, act_df):
    def v(x, p):
        h = len(x) // 2
        a, b = x[:h], x[h:]
        y = [a[i] * act_f(b[i]) for i in range(h)]
        jac = []
        for j in range(h):
            row = [ZERO] * len(x)
            row[j] = act_f(b[j])
            row[h + j] = a[j] * act_df(b[j])
            jac.append(row)
        return y, jac

    return v


VECTORS = {
    'softmax': v_softmax,
    'log_softmax': v_log_softmax,
    'softmin': v_softmin,
    'sparsemax': v_sparsemax,
    'maxout': v_maxout,
    'glu': gated(sig, lambda b: sig(b) * sig(-b)),
    'reglu': gated(lambda b: max(b, ZERO), lambda b: ONE if b > 0 else ZERO),
    'swiglu': gated(lambda b: swish_f(b, ONE), lambda b: swish_df(b, ONE)),
    'geglu': gated(
        lambda b: gelu_f(b, {'approximate': 'none', 'mu': ZERO, 'sigma': ONE}),
        lambda b: gelu_df(b, {'approximate': 'none', 'mu': ZERO, 'sigma': ONE}),
    ),
}


def vector_slices(vid, rng):
    def rand(n):
        return [f32(rng.gauss(0, 2)) for _ in range(n)]

    if vid in ('softmax', 'log_softmax', 'softmin'):
        sizes = [1, 3, 5, 5, 8]
        extra = [[1000.0, 1000.0], [1000.0, 0.0], [-INF, -INF], [-INF, -INF, -INF], [-INF, 0.0, 1.5], [1.0, NAN, 2.0]]
        if vid == 'softmin':
            extra[4] = [INF, 0.0, 1.5]
    elif vid == 'sparsemax':
        sizes = [1, 3, 5, 5, 8]
        extra = [[1000.0, 1000.0], [1000.0, 0.0], [-INF, 0.0, 0.5], [1.0, NAN, 2.0]]
    elif vid == 'maxout':
        sizes = [2, 4, 6, 6]
        extra = [[1000.0, 0.0], [-INF, 1.0, 2.0, 3.0], [1.0, NAN, 2.0, 3.0]]
    else:
        sizes = [2, 4, 6, 6]
        extra = [[1000.0, 1000.0], [1000.0, -1000.0], [1000.0, 0.0], [NAN, 1.0], [1.0, 2.0, NAN, 0.5]]
    return [rand(n) for n in sizes] + extra


def vector_case(vid, rng):
    fn = VECTORS[vid]
    slices = []
    for xs in vector_slices(vid, rng):
        has_nan = any(math.isnan(v) for v in xs)
        if has_nan:
            y = nan_forward(vid, xs)
            slices.append({'x': [enc(v) for v in xs], 'y': [enc(v) for v in y], 'jacobian': None})
            continue
        xm = [mp.mpf(v) for v in xs]
        y, jac = fn(xm, {})
        slices.append(
            {
                'x': [enc(v) for v in xs],
                'y': [enc(to_float(v)) for v in y],
                'jacobian': [[enc(to_float(mp.mpf(v))) for v in row] for row in jac],
            }
        )
    return {'id': vid, 'given': {}, 'slices': slices}


def nan_forward(vid, xs):
    """Which outputs a NaN reaches: the whole slice for the normalising maps,
    only its own group or gate otherwise."""
    n = len(xs)
    if vid in ('softmax', 'log_softmax', 'softmin', 'sparsemax'):
        return [NAN] * n
    if vid == 'maxout':
        out = []
        for g in range(n // 2):
            pair = xs[2 * g : 2 * g + 2]
            out.append(NAN if any(math.isnan(v) for v in pair) else max(pair))
        return out
    h = n // 2
    fn = VECTORS[vid]
    out = []
    for j in range(h):
        if math.isnan(xs[j]) or math.isnan(xs[h + j]):
            out.append(NAN)
        else:
            y, _ = fn([mp.mpf(xs[j]), mp.mpf(xs[h + j])], {})
            out.append(to_float(y[0]))
    return out


# --- output -------------------------------------------------------------------


def write_json(path, doc):
    """One case per line block, arrays on one line: readable diffs, modest size."""
    lines = ['{']
    head = [k for k in doc if k != 'cases']
    for k in head:
        lines.append(f'  {json.dumps(k)}: {json.dumps(doc[k], allow_nan=False)},')
    lines.append('  "cases": [')
    for i, case in enumerate(doc['cases']):
        body = ',\n'.join(
            f'      {json.dumps(k)}: {json.dumps(v, allow_nan=False)}' for k, v in case.items()
        )
        lines.append('    {\n' + body + '\n    }' + (',' if i + 1 < len(doc['cases']) else ''))
    lines.append('  ]')
    lines.append('}')
    path.write_text('\n'.join(lines) + '\n')


ABOUT = (
    'Generated by scripts/gen_fixtures.py (mpmath, 50 digits): independent reference values. '
    'Do not edit by hand.'
)
ENCODING = (
    'Numbers in shortest round-trip form; NaN and ±Infinity as the strings "NaN", "Infinity", '
    '"-Infinity". x is float32-exact except at the indices in f64only. anySignZero: indices '
    'whose zero output has no sign to honour.'
)


def main():
    cases = []
    for act_id in ACTS:
        for given in [{}] + VARIANTS.get(act_id, []):
            cases.append(elementwise_case(act_id, given))
            print(f'{act_id} {given}: {len(cases[-1]["x"])} points')
    OUT.mkdir(parents=True, exist_ok=True)
    write_json(
        OUT / 'elementwise.json',
        {'about': ABOUT, 'encoding': ENCODING, 'dps': DPS, 'cases': cases},
    )
    rng = random.Random(20240611)
    vcases = [vector_case(v, rng) for v in VECTORS]
    write_json(
        OUT / 'vector.json',
        {
            'about': ABOUT,
            'encoding': 'As elementwise.json; jacobian[j][i] = ∂y_j/∂x_i (null where x has a NaN).',
            'dps': DPS,
            'cases': vcases,
        },
    )
    print(f'{len(cases)} elementwise cases, {len(vcases)} vector cases')


if __name__ == '__main__':
    main()
