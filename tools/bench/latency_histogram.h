/* latency_histogram.h — a log-linear histogram of nanosecond latencies
 * (16 sub-buckets per power of two: ~6% resolution), owned by one thread
 * while recording, merged after. */
#ifndef GUST_LATENCY_HISTOGRAM_H
#define GUST_LATENCY_HISTOGRAM_H

#include <stdint.h>

#define LATENCY_BUCKETS (64 * 16)

typedef struct {
  uint64_t counts[LATENCY_BUCKETS];
  uint64_t total;
} latency_histogram;

void latency_histogram_record(latency_histogram *h, int64_t ns);
void latency_histogram_merge(latency_histogram *into, const latency_histogram *from);
/* The value (ns, the bucket's upper edge) under which fraction q of samples fall. */
int64_t latency_histogram_quantile(const latency_histogram *h, double q);

#endif
