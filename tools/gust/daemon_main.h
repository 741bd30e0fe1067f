/* daemon_main.h — what every long-running gust daemon (`gust nimbus`,
 * `gust supervisor`, `gust ui`) does the same way before and after its
 * own work: read its command line (-v and the configuration options of
 * daemon_conf.h, no positional arguments) and wait for SIGINT or SIGTERM.
 * Main thread only. */
#pragma once

#include <glib.h>
#include <jansson.h>

/* The daemon's configuration from its command line, with the log writer's
 * verbosity set; NULL after logging why (a bad option, an argument, a
 * configuration that does not load): the command then exits with 2. */
json_t *gust_daemon_command_line(int argc, char **argv, const char *command, const char *summary);

/* Catches SIGINT and SIGTERM from now on, for gust_daemon_wait_for_stop_signal:
 * a daemon calls it before it starts serving, so that a stop that comes as
 * soon as it says it listens stops it cleanly instead of killing it. */
void gust_daemon_catch_stop_signals(void);

/* Runs a main loop on this thread until SIGINT or SIGTERM (one caught since
 * gust_daemon_catch_stop_signals returns at once). */
void gust_daemon_wait_for_stop_signal(void);
