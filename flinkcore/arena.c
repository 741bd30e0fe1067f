/* arena.c — bump allocation over a chain of chunks.
 *
 * Chunks are linked in allocation order and kept across fc_arena_reset(),
 * so an arena that is reset and refilled with similar data stops calling
 * malloc after its first use.  An allocation larger than the chunk size gets
 * a chunk of its own, placed in the chain like any other.  The free part
 * of the current chunk is kept in the arena itself (next, end), so the
 * common allocation is a compare and an add, inline (fc_value.h); this file
 * has the rest.  Single-threaded:
 * whoever owns the arena (a batch's holder, a task) is the only user.
 */
#include <gust/fc_value.h>
#include <string.h>

struct fc_arena_chunk {
  fc_arena_chunk *next;
  size_t size; /* usable bytes in data */
  _Alignas(16) unsigned char data[];
};

#define FC_ARENA_DEFAULT_CHUNK (16 * 1024)

static fc_arena_chunk *chunk_new(size_t size)
{
  fc_arena_chunk *c = g_malloc(sizeof *c + size);
  c->next = NULL;
  c->size = size;
  return c;
}

void fc_arena_init(fc_arena *a, size_t chunk_size)
{
  a->chunk_size = chunk_size ? chunk_size : FC_ARENA_DEFAULT_CHUNK;
  a->first = a->cur = NULL;
  a->bytes_reserved = 0;
  a->next = a->end = NULL;
}

void fc_arena_clear(fc_arena *a)
{
  fc_arena_chunk *c = a->first;
  while (c) {
    fc_arena_chunk *next = c->next;
    g_free(c);
    c = next;
  }
  a->first = a->cur = NULL;
  a->bytes_reserved = 0;
  a->next = a->end = NULL;
}

void fc_arena_reset(fc_arena *a)
{
  a->cur = a->first;
  a->next = a->first ? a->first->data : NULL;
  a->end = a->first ? a->first->data + a->first->size : NULL;
}

/* Finds (or appends) a chunk after cur with room for size bytes (a
 * multiple of 8). */
void *fc_arena_alloc_slow(fc_arena *a, size_t size)
{
  fc_arena_chunk *c = a->cur ? a->cur->next : a->first;
  /* Chunks after cur are empty; take the first one that fits and move it
   * right after cur, so that the chunks in use stay a prefix of the chain. */
  fc_arena_chunk *prev = a->cur;
  while (c && c->size < size) {
    prev = c;
    c = c->next;
  }
  if (!c) {
    c = chunk_new(size > a->chunk_size ? size : a->chunk_size);
    a->bytes_reserved += c->size;
    if (prev)
      prev->next = c;
    else
      a->first = c;
  } else if (a->cur && c != a->cur->next) {
    /* Move c right after cur so that the used chunks stay a prefix. */
    prev->next = c->next;
    c->next = a->cur->next;
    a->cur->next = c;
  } else if (!a->cur && c != a->first) {
    prev->next = c->next;
    c->next = a->first;
    a->first = c;
  }
  a->cur = c;
  a->next = c->data + size;
  a->end = c->data + c->size;
  return c->data;
}

char *fc_arena_strndup(fc_arena *a, const char *s, size_t n)
{
  char *p = fc_arena_alloc(a, n + 1);
  fc_copy_bytes(p, s, n);
  p[n] = '\0';
  return p;
}
