/* STREAM-style triad a[i] = b[i] + s * c[i] (McCalpin's kernel and accounting: 24 bytes moved per
 * element, 3 arrays of 8-byte doubles; write-allocate traffic is not counted, as in stream.c).
 * Arrays of STREAM_N doubles each (default 2^25 = 256 MiB per array, 768 MiB in all: 24x the
 * 32 MiB L3). Best of NTIMES repetitions, OpenMP static schedule; first-touch initialisation in
 * the same parallel loop so pages land near the thread that streams them.
 * Prints one JSON object: {"threads":T,"n":N,"bytes_per_iteration":24N,"best_gbs":..,...}. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef STREAM_N
#define STREAM_N (1L << 25)
#endif
#ifndef NTIMES
#define NTIMES 10
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void) {
    const long n = STREAM_N;
    double *a = aligned_alloc(64, n * sizeof(double));
    double *b = aligned_alloc(64, n * sizeof(double));
    double *c = aligned_alloc(64, n * sizeof(double));
    if (!a || !b || !c) { fprintf(stderr, "allocation of 3 x %ld doubles failed\n", n); return 1; }
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) { a[i] = 1.0; b[i] = 2.0; c[i] = 0.5; }

    const double s = 3.0;
    double best = 1e30, worst = 0, sum = 0;
    for (int k = 0; k < NTIMES; k++) {
        double t0 = now();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i];
        double t = now() - t0;
        if (t < best) best = t;
        if (t > worst) worst = t;
        sum += t;
    }
    /* Check: every a[i] = 2 + 3 * 0.5 = 3.5. */
    double err = 0;
    for (long i = 0; i < n; i += 4099) { double d = a[i] - 3.5; err += d < 0 ? -d : d; }
    if (err != 0) { fprintf(stderr, "triad check failed (%g)\n", err); return 1; }

    const double bytes = 24.0 * (double)n;
    printf("{\"kernel\": \"triad\", \"threads\": %d, \"n\": %ld, \"array_mib\": %.0f, \"repetitions\": %d, "
           "\"bytes_per_iteration\": %.0f, \"best_seconds\": %.6f, \"best_gbs\": %.3f, \"mean_gbs\": %.3f, "
           "\"worst_gbs\": %.3f}\n",
           omp_get_max_threads(), n, n * 8.0 / 1048576.0, NTIMES, bytes, best, bytes / best / 1e9,
           bytes / (sum / NTIMES) / 1e9, bytes / worst / 1e9);
    free(a); free(b); free(c);
    return 0;
}
