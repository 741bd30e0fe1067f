/* dev_zookeeper.h — Debian's ZooKeeper server (package `zookeeper`, Java)
 * as a child process of `gust dev-cluster`: a standalone server on one
 * address and port, data and log in a folder of its own, no admin server.
 *
 * Threads: the main thread only.
 */
#ifndef GUST_DEV_ZOOKEEPER_H
#define GUST_DEV_ZOOKEEPER_H

#include "dev_process.h"

/* Writes DIR/zoo.cfg and starts the server on host:port (data in DIR/data,
 * output in DIR/zookeeper.log).  Fails, naming what to install, when Java or
 * the server's jars are missing. */
gust_dev_process *gust_dev_zookeeper_start(const char *dir, const char *host, int port,
                                           GError **error);

/* Waits until the server serves requests (its `srvr` answer names its mode),
 * at most timeout_ms; fails with the end of its log if it exits or does not
 * answer in time.  Dispatches the default main context meanwhile and gives
 * up (FALSE, no error) once *stop is TRUE. */
gboolean gust_dev_zookeeper_wait(gust_dev_process *server, const char *host, int port,
                                 int timeout_ms, const gboolean *stop, GError **error);

#endif
