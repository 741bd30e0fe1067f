/* ml_scan.h — the fast scanner for common multilang messages (ml_scan.c). */
#ifndef GUST_ML_SCAN_H
#define GUST_ML_SCAN_H

#include <stddef.h>
#include <yajl/yajl_parse.h>

typedef enum {
  ML_SCAN_OK,      /* one JSON object, every event delivered */
  ML_SCAN_GIVE_UP, /* not a shape it takes (or not JSON): parse it with YAJL */
  ML_SCAN_STOPPED, /* a callback returned 0 */
} ml_scan_result;

/* Delivers the events of text (one JSON object) to cb, as YAJL would. */
ml_scan_result ml_scan(const char *text, size_t len, const yajl_callbacks *cb, void *ctx);

#endif
