/* How fast `rep movsb` copies 64 KiB for a few distances between destination and
 * source (modulo 4096). The kernel copies socket data to and from user space with it
 * (on CPUs with FSRM); on the AMD EPYC cores this project is benchmarked on it runs at
 * ~2 GB/s instead of ~40 when the destination is 1 to 31 bytes past the source, which
 * is why csrc/ lands reads at 64-byte boundaries and loadgen.c aligns its buffers.
 *
 *   cc -O2 -o /tmp/movsb bench/movsb.c && taskset -c 0 /tmp/movsb
 */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__)
static void copy(void *dst, const void *src, size_t n) {
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

int main(void) {
    enum { LEN = 64 * 1024, ROUNDS = 20000 };
    static const int distances[] = {0, 1, 8, 16, 31, 32, 64, 2048, 4095};
    char *src, *dst;
    if (posix_memalign((void **)&src, 4096, 2 * LEN) || posix_memalign((void **)&dst, 4096, 2 * LEN))
        return 1;
    memset(src, 1, 2 * LEN);
    memset(dst, 2, 2 * LEN);
    for (size_t k = 0; k < sizeof distances / sizeof *distances; k++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (int i = 0; i < ROUNDS; i++)
            copy(dst + distances[k], src, LEN);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        printf("destination %4d bytes past the source: %6.2f GB/s\n", distances[k],
               (double)ROUNDS * LEN / s / 1e9);
    }
    return 0;
}
#else
int main(void) {
    puts("rep movsb is x86-64 only");
    return 0;
}
#endif
