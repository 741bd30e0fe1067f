/* Private to compat/thrift: the bounded reader the codec decodes with.
 *
 * Why not ThriftMemoryBuffer: its finalize does not chain up (every
 * instance leaks GObject's data), and in thrift_c_glib 0.17 a read past
 * its end returns 0 bytes and thrift_transport_read_all() loops forever, and
 * every read moves the rest of the buffer down (quadratic on a 1 MiB frame).
 * The binary protocol also allocates a string of the length it reads before it
 * knows whether that many bytes follow, and thrift_protocol_skip() recurses
 * as deep as the input nests.  The reader below fixes all of that for
 * untrusted bytes: reads past the end fail with the offset, string and
 * container sizes are checked against the bytes left before anything is
 * allocated, and nesting deeper than GUST_THRIFT_MAX_DEPTH fails.
 */
#ifndef GUST_THRIFT_PRIVATE_H
#define GUST_THRIFT_PRIVATE_H

#include <glib.h>
#include <gust/topology.h>
#include <thrift/c_glib/protocol/thrift_protocol.h>

/* Storm's deepest real nesting (a TopologyInfo reply) is about 10 levels. */
#define GUST_THRIFT_MAX_DEPTH 64

/* A binary protocol (strict and non-strict message headers) reading `len`
 * bytes at `data`, which must stay valid while it is used.  Returns a new
 * reference; the transport is owned by the protocol.  Can't fail. */
ThriftProtocol *gust_thrift_reader_new(const guint8 *data, gsize len);

/* A binary protocol (strict write) appending to `out`, failing once `out`
 * would exceed `limit` bytes.  `out` must outlive it.  Can't fail. */
ThriftProtocol *gust_thrift_writer_new(GByteArray *out, gsize limit);

/* Bytes consumed so far by the reader's protocol (for error messages and
 * for what follows a message header). */
gsize gust_thrift_reader_offset(ThriftProtocol *reader);

/* Walks one struct at `data` by its wire types alone: every length within
 * the bytes, every type code known, nesting bounded.  *end gets the offset
 * after the struct (or where it failed).  FALSE + error naming the byte. */
gboolean gust_thrift_wire_check(const guint8 *data, gsize len, gsize *end, GError **error);

/* A `custom_serialized` grouping whose bytes hold Storm's PartialKeyGrouping
 * (partial_key_serialized.c): the partial-key grouping on its fields, or on
 * source_first_field when it names none (Storm then keys on the first
 * value).  NULL + error naming `where` for bytes that cannot be read, and
 * GUST_STORM_THRIFT_ERROR_UNSUPPORTED for a custom AssignmentCreator or
 * TargetSelector. */
gust_grouping *gust_partial_key_from_serialized(const void *data, gsize len,
                                                const char *source_first_field, const char *where,
                                                GError **error);

#endif
