/* latency_histogram.c — see latency_histogram.h. */
#include "latency_histogram.h"

static int bucket_of(uint64_t v)
{
  if (v < 16) return (int)v;
  int exp = 63 - __builtin_clzll(v); /* >= 4 */
  int sub = (int)((v >> (exp - 4)) & 15);
  return (exp - 3) * 16 + sub;
}

static int64_t upper_edge(int bucket)
{
  if (bucket < 16) return bucket;
  int exp = bucket / 16 + 3, sub = bucket % 16;
  return (int64_t)((16 + (uint64_t)sub + 1) << (exp - 4)) - 1;
}

void latency_histogram_record(latency_histogram *h, int64_t ns)
{
  h->counts[bucket_of(ns > 0 ? (uint64_t)ns : 0)]++;
  h->total++;
}

void latency_histogram_merge(latency_histogram *into, const latency_histogram *from)
{
  for (int i = 0; i < LATENCY_BUCKETS; i++)
    into->counts[i] += from->counts[i];
  into->total += from->total;
}

int64_t latency_histogram_quantile(const latency_histogram *h, double q)
{
  uint64_t want = (uint64_t)(q * (double)h->total), seen = 0;
  for (int i = 0; i < LATENCY_BUCKETS; i++) {
    seen += h->counts[i];
    if (seen > want) return upper_edge(i);
  }
  return 0;
}
