/* jar_flux.h — `gust jar JAR org.apache.storm.flux.Flux [OPTIONS] FILE.yaml`,
 * the command most Flux users run, without a Java Flux in between: the
 * Flux file runs as `gust local FILE.yaml --jar JAR` (with --local, or
 * `gust jar --local`) or is submitted as `gust submit FILE.yaml --jar JAR`
 * (otherwise).  Runs on the main thread. */
#pragma once

#include "daemon_conf.h"

#define GUST_FLUX_MAIN_CLASS "org.apache.storm.flux.Flux"

typedef struct {
  const char *jar;
  char **flux_args;     /* what follows the main class, NULL-terminated */
  gboolean local;       /* `gust jar --local` */
  const char *ttl_text; /* --local-ttl, or NULL */
  const char *java;     /* or NULL */
  const char *jvm_opts; /* or NULL */
  gboolean verbose;
  const gust_daemon_conf_args *conf_args;
} gust_jar_flux_options;

/* Reads Flux's own options (those of Storm's Flux main: -l/--local,
 * -r/--remote, -d/--dry-run, -f/--filter FILE, -e/--env-filter,
 * -s/--sleep MS, -i/--inactive, -q/--no-detail, -n/--no-splash,
 * -z/--zookeeper, -R/--resource refused, and -c KEY=VALUE) and runs the command; its exit
 * status (2 for options Flux would refuse). */
int gust_jar_flux(const gust_jar_flux_options *options);
