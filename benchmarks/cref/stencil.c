/* Plain C reference of the OpenFWI stencil (docs/physics.md), single thread, whole padded grid every step.
 * Same arrays as the .NET propagator: alpha = (v dt/dx)^2, kappa = damp*dt, two float32 wavefields updated in place.
 * Build (what benchmarks/cref/compare.sh does): compile once, link twice, so that only the floating-point mode differs:
 *   gcc -O3 -march=native -ffast-math -c stencil.c -o stencil.o
 *   gcc stencil.o -o stencil-noftz -lm                       (plain link: MXCSR as the kernel starts it, denormals computed)
 *   gcc -ffast-math stencil.o -o stencil-ftz -lm             (-ffast-math at link time adds crtfastmath.o: FTZ/DAZ on)
 * Run: ./stencil-ftz [repeats] [record.bin]. Prints the best time per sample, the MXCSR it ran with, and a checksum;
 * writes the recorded data (5, 1000, 70) float32 to record.bin if given. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

enum { NZ = 70, NX = 70, NBC = 120, N = NZ + 2 * NBC, NT = 1000, NS = 5, NG = 70 };

static void step_interior(float *restrict nxt, const float *restrict cur, const float *restrict alpha, const float *restrict kappa) {
    /* the bulk of the work, without modulo indexing: rows/cols 2..N-3 */
    for (int r = 2; r < N - 2; r++)
        for (int c = 2; c < N - 2; c++) {
            int i = r * N + c;
            float p = cur[i];
            float s1 = cur[i - 1] + cur[i + 1] + cur[i - N] + cur[i + N];
            float s2 = cur[i - 2] + cur[i + 2] + cur[i - 2 * N] + cur[i + 2 * N];
            float lap = 4.0f / 3.0f * s1 - 1.0f / 12.0f * s2 - 5.0f * p;
            float old = nxt[i];
            nxt[i] = 2.0f * p - old + alpha[i] * lap + kappa[i] * (old - p);
        }
}

/* Runs one sample (5 shots x 1000 steps over the whole padded grid) and returns its wall time in seconds.
 * rec receives (5, 1000, 70) float32. */
double run_sample(float *rec) {
    static float *alpha, *kappa;
    static float *a, *b;
    if (!alpha) { alpha = malloc(sizeof(float) * N * N); kappa = malloc(sizeof(float) * N * N); a = malloc(sizeof(float) * N * N); b = malloc(sizeof(float) * N * N); }
    const double dx = 10, dt = 1e-3, vmin = 1500, av = (NBC - 1) * dx, k0 = 3 * vmin * log(1e7) / (2 * av);
    for (int r = 0; r < N; r++)
        for (int c = 0; c < N; c++) {
            int z = r < NBC ? 0 : r >= NBC + NZ ? NZ - 1 : r - NBC;
            double v = 1500 + 3000.0 * z / (NZ - 1), k = v * dt / dx;      /* linear gradient model */
            alpha[r * N + c] = (float)(k * k);
            int dc = c < NBC ? NBC - 1 - c : c >= NBC + NX ? c - NBC - NX : -1;
            int dr = r < NBC ? NBC - 1 - r : r >= NBC + NZ ? r - NBC - NZ : -1;
            int d = dc >= 0 ? dc : dr;                                       /* side strips win in the corners */
            kappa[r * N + c] = d < 0 ? 0.0f : (float)(k0 * (d * dx / av) * (d * dx / av) * dt);
        }
    float w[NT] = {0};
    for (int k = 0; k < 147; k++) { double q = M_PI * 15 * dt * (73 - k); w[k] = (float)((1 - 2 * q * q) * exp(-q * q)); }
    const int sx[NS] = {0, 17, 34, 52, 69};
    struct timespec t0, t1;
    {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int s = 0; s < NS; s++) {
            memset(a, 0, sizeof(float) * N * N); memset(b, 0, sizeof(float) * N * N);
            float *nxt = a, *cur = b, scale = (float)((1500 + 3000.0 / (NZ - 1)) * dt * (1500 + 3000.0 / (NZ - 1)) * dt);
            for (int it = 0; it < NT; it++) {
                step_interior(nxt, cur, alpha, kappa);
                /* the two outermost rows and columns, periodic wrap (same cells step() would do) */
                for (int r = 0; r < N; r++)
                    for (int c = 0; c < N; c++) {
                        if (r >= 2 && r < N - 2 && c >= 2 && c < N - 2) { c = N - 3; continue; }
                        int i = r * N + c;
                        float p = cur[i];
                        float s1 = cur[r * N + (c + N - 1) % N] + cur[r * N + (c + 1) % N] + cur[((r + N - 1) % N) * N + c] + cur[((r + 1) % N) * N + c];
                        float s2 = cur[r * N + (c + N - 2) % N] + cur[r * N + (c + 2) % N] + cur[((r + N - 2) % N) * N + c] + cur[((r + 2) % N) * N + c];
                        float lap = 4.0f / 3.0f * s1 - 1.0f / 12.0f * s2 - 5.0f * p;
                        float old = nxt[i];
                        nxt[i] = 2.0f * p - old + alpha[i] * lap + kappa[i] * (old - p);
                    }
                nxt[(NBC + 1) * N + NBC + sx[s]] += scale * w[it];
                for (int g = 0; g < NG; g++) rec[(s * NT + it) * NG + g] = nxt[(NBC + 1) * N + NBC + g];
                float *t = nxt; nxt = cur; cur = t;
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        return (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
    }
}

int main(int argc, char **argv) {
    int repeats = argc > 1 ? atoi(argv[1]) : 1;
    float *rec = malloc(sizeof(float) * NS * NT * NG);
    double best = 1e30, checksum = 0;
    for (int rep = 0; rep < repeats; rep++) { double sec = run_sample(rec); if (sec < best) best = sec; }
    for (int i = 0; i < NS * NT * NG; i++) checksum += fabs(rec[i]);
    if (argc > 2) { FILE *f = fopen(argv[2], "wb"); if (!f || fwrite(rec, sizeof(float), NS * NT * NG, f) != NS * NT * NG) return 1; fclose(f); }
    unsigned csr = 0;
#if defined(__x86_64__) || defined(__i386__)
    csr = _mm_getcsr();
#endif
    double points = (double)N * N * NT * NS;
    printf("C  : %.3f s per sample (5 shots x 1000 steps, full %dx%d grid), %.3e point-updates/s/core, MXCSR 0x%04x (FTZ %s, DAZ %s), checksum %.6e\n",
           best, N, N, points / best, csr, csr & 0x8000 ? "on" : "off", csr & 0x40 ? "on" : "off", checksum);
    return 0;
}
