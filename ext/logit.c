/*
** logit.c — Newton's method for the regularised logistic regression of
** logit.h. Features are binary and sparse (a lead has a few dozen of
** thousands), so the gradient and Hessian are accumulated over each lead's
** features only: O(k^2) per lead for k features on, and the (d+1)^2 system
** is solved by Cholesky (the penalty makes it positive definite). A step that
** does not improve the penalised likelihood is halved.
*/
#include "logit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* log(1 + e^z) without overflow */
static double log1pexp(double z) { return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)); }

static double lead_z(const double *w, const int *f, const double *x, size_t k)
{
    double z = w[0];
    for (size_t j = 0; j < k; j++) z += w[f[j]] * (x ? x[j] : 1);
    return z;
}

/* The penalised log-likelihood (to maximise), and the plain one in *ll. */
static double objective(const size_t *off, const int *feat, const double *val, const unsigned char *y, size_t n, int d,
                        double lambda, const double *w, double *ll)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double z = lead_z(w, feat + off[i], val ? val + off[i] : NULL, off[i + 1] - off[i]);
        s += y[i] ? -log1pexp(-z) : -log1pexp(z);
    }
    *ll = s;
    double pen = 0;
    for (int f = 1; f <= d; f++) pen += w[f] * w[f];
    return s - 0.5 * lambda * pen;
}

/* Solves A x = b in place (b becomes x) for A symmetric positive definite,
** m x m, row-major; only the upper triangle of A is read. -1 if A is not
** positive definite (cannot happen with lambda > 0 but for rounding). */
static int cholesky_solve(double *a, double *b, int m)
{
    for (int j = 0; j < m; j++) {
        double s = a[(size_t)j * m + j];
        for (int k = 0; k < j; k++) s -= a[(size_t)k * m + j] * a[(size_t)k * m + j];
        if (!(s > 0)) return -1;
        double r = sqrt(s);
        a[(size_t)j * m + j] = r;
        for (int i = j + 1; i < m; i++) {     /* row j of U: U[j][i] */
            double t = a[(size_t)j * m + i];
            for (int k = 0; k < j; k++) t -= a[(size_t)k * m + j] * a[(size_t)k * m + i];
            a[(size_t)j * m + i] = t / r;
        }
    }
    for (int i = 0; i < m; i++) {             /* U^T z = b */
        double t = b[i];
        for (int k = 0; k < i; k++) t -= a[(size_t)k * m + i] * b[k];
        b[i] = t / a[(size_t)i * m + i];
    }
    for (int i = m - 1; i >= 0; i--) {        /* U x = z */
        double t = b[i];
        for (int k = i + 1; k < m; k++) t -= a[(size_t)i * m + k] * b[k];
        b[i] = t / a[(size_t)i * m + i];
    }
    return 0;
}

int mq_logit_fit(const size_t *off, const int *feat, const double *val, const unsigned char *y, size_t n, int d,
                 double lambda, double *w, mq_logit *info)
{
    int m = d + 1;
    double *h = malloc((size_t)m * m * sizeof *h), *g = malloc((size_t)m * sizeof *g),
           *prev = malloc((size_t)m * sizeof *prev);
    if (!h || !g || !prev) { free(h); free(g); free(prev); return -1; }
    /* start from the base rate: the intercept alone */
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) pos += y[i] != 0;
    memset(w, 0, (size_t)m * sizeof *w);
    if (n) w[0] = log(((double)pos + 0.5) / ((double)(n - pos) + 0.5));
    double ll, obj = objective(off, feat, val, y, n, d, lambda, w, &ll);
    info->iterations = 0;
    info->converged = 0;
    for (int it = 1; it <= 100; it++) {
        memset(h, 0, (size_t)m * m * sizeof *h);
        memset(g, 0, (size_t)m * sizeof *g);
        for (size_t i = 0; i < n; i++) {
            const int *f = feat + off[i];
            const double *x = val ? val + off[i] : NULL;
            size_t k = off[i + 1] - off[i];
            double p = 1 / (1 + exp(-lead_z(w, f, x, k)));
            double r = (y[i] ? 1.0 : 0.0) - p, s = p * (1 - p);
            g[0] += r;
            h[0] += s;
            for (size_t a = 0; a < k; a++) {
                int fa = f[a];
                double xa = x ? x[a] : 1;
                g[fa] += r * xa;
                h[fa] += s * xa;                              /* row 0 */
                for (size_t b = 0; b < k; b++)                /* upper triangle, diagonal once */
                    if (f[b] >= fa) h[(size_t)fa * m + f[b]] += s * xa * (x ? x[b] : 1);
            }
        }
        for (int f = 1; f <= d; f++) {
            g[f] -= lambda * w[f];
            h[(size_t)f * m + f] += lambda;
        }
        if (cholesky_solve(h, g, m) != 0) break;
        memcpy(prev, w, (size_t)m * sizeof *w);
        double step = 1, nobj = obj, nll = ll;
        for (int half = 0; half < 30; half++, step /= 2) {
            for (int f = 0; f < m; f++) w[f] = prev[f] + step * g[f];
            nobj = objective(off, feat, val, y, n, d, lambda, w, &nll);
            if (nobj >= obj - 1e-12 * fabs(obj)) break;
        }
        double dmax = 0;
        for (int f = 0; f < m; f++) dmax = fmax(dmax, fabs(w[f] - prev[f]));
        info->iterations = it;
        if (nobj < obj - 1e-12 * fabs(obj)) { memcpy(w, prev, (size_t)m * sizeof *w); info->converged = 1; break; }
        obj = nobj;
        ll = nll;
        if (dmax < 1e-9) { info->converged = 1; break; }
    }
    info->loglik = ll;
    free(h);
    free(g);
    free(prev);
    return 0;
}
