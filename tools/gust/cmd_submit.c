/* cmd_submit.c — `gust submit FLUX.yaml [--name NAME] [--inactive]
 * [--filter FILE] [--env-filter] [-c KEY=VALUE]...`: what `storm jar
 * topology.jar org.apache.storm.flux.Flux --remote FLUX.yaml` does, with no
 * Java build in between.
 *
 * Before connecting: the Flux file is loaded and validated as `gust local`
 * loads it, turned into Storm's StormTopology (shell components as
 * ShellComponent, the rest as their Java class with the Flux definition
 * carried along: gust_topology_to_thrift()), the -c options are set in its
 * conf (Storm's submitter does the same), and the resources/ folder beside
 * the file is zipped into a jar in the temporary directory.  Then, on the
 * leader Nimbus, the calls Storm's submitter makes: isTopologyNameAllowed,
 * beginFileUpload, uploadChunk per 307200 bytes (Storm's chunk size),
 * finishFileUpload, and submitTopology (submitTopologyWithOpts with
 * initial status INACTIVE for --inactive).  A jar of more than
 * PROGRESS_MIN_CHUNKS chunks logs its progress as it goes.  The jar is
 * removed at the end, whatever happened.
 *
 * --jar JAR: spouts and bolts naming the jar's own Java classes are built
 * here by a JVM (flux_java.h), which says what streams and component
 * configuration each has; each goes to Nimbus as `serialized_java` holding
 * its Flux definition (not Java serialization), from which a worker's JVM
 * builds it the same way.  JAR itself is uploaded as the topology jar.
 */
#define G_LOG_DOMAIN "gust-cli"

#include "cluster_command.h"
#include "commands.h"
#include "flux_java.h"
#include "topology_jar.h"

#include <gust/flux.h>
#include <gust/storm_thrift.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <stdio.h>

enum {
  CHUNK_BYTES = 307200,   /* StormSubmitter's THRIFT_CHUNK_SIZE_BYTES */
  PROGRESS_MIN_CHUNKS = 4 /* smaller jars go up without progress lines */
};

typedef struct {
  char *name, *filter;
  gboolean inactive, env_filter;
  char *jar, *java, *jvm_opts; /* --jar: the Flux file's own Java classes */
  /* prepared */
  GustStormStormTopology *topology;
  char *conf_json;
  char *jar_path;
} submit_options;

static gboolean submit_check(int n_args, char **args, void *data, GError **error)
{
  submit_options *o = data;
  return !o->name || gust_topology_name_check(o->name, error);
}

/* The topology conf the converter made, with the -c options set. */
static char *conf_with_overrides(const char *conf_json, char **overrides, GError **error)
{
  json_error_t json_error;
  json_t *conf = json_loads(conf_json, 0, &json_error);
  g_assert(json_is_object(conf)); /* the converter writes an object */
  char *text = NULL;
  if (gust_daemon_conf_apply_overrides(conf, overrides, error))
    text = json_dumps(conf, JSON_COMPACT);
  json_decref(conf);
  return text;
}

static gboolean submit_prepare(int n_args, char **args, const gust_daemon_conf_args *conf_args,
                               void *data, GError **error)
{
  submit_options *o = data;
  const char *flux_file = args[0];
  gust_flux_options flux_options = {
      .properties_file = o->filter, .env_filter = o->env_filter, .skip_validation = o->jar != NULL};
  gust_topology *topology = gust_flux_load_file(flux_file, &flux_options, error);
  if (!topology) return FALSE;
  g_autoptr(GHashTable) java_definitions = NULL;
  if (o->jar && (!gust_flux_java_prepare_submit(
                    topology, &(gust_flux_java_options){o->jar, o->java, o->jvm_opts},
                    &java_definitions, error))) {
    gust_topology_free(topology);
    return FALSE;
  }
  if (o->name) gust_topology_set_name(topology, o->name);
  if (!gust_topology_name_check(gust_topology_name(topology), error)) {
    gust_topology_free(topology);
    return FALSE;
  }
  if (!o->name) o->name = g_strdup(gust_topology_name(topology));
  g_autofree char *converted_conf = NULL;
  o->topology = gust_topology_to_thrift(topology, &converted_conf, error);
  gust_topology_free(topology);
  if (!o->topology) return FALSE;
  if (java_definitions) gust_flux_java_put_serialized(o->topology, java_definitions);
  o->conf_json = conf_with_overrides(converted_conf, conf_args->overrides, error);
  if (!o->conf_json) return FALSE;
  if (o->jar) return TRUE; /* the user's jar goes up as it is */

  int fd = g_file_open_tmp("gust-stormjar-XXXXXX.jar", &o->jar_path, error);
  if (fd < 0) return FALSE;
  close(fd);
  g_autofree char *dir = g_path_get_dirname(flux_file);
  g_autofree char *resources = g_build_filename(dir, "resources", NULL);
  return gust_topology_jar_write(resources, o->jar_path, error);
}

/* beginFileUpload, the chunks, finishFileUpload; the location in *location. */
static gboolean upload_jar(gust_nimbus_client *client, const char *jar_path, char **location,
                           GError **error)
{
  g_autoptr(GMappedFile) jar = g_mapped_file_new(jar_path, FALSE, error);
  if (!jar) return FALSE;
  const guint8 *bytes = (const guint8 *)g_mapped_file_get_contents(jar);
  gsize size = g_mapped_file_get_length(jar);
  GustStormNimbusIf *nimbus = gust_nimbus_client_nimbus(client);
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL;
  gboolean ok = gust_storm_nimbus_if_begin_file_upload(nimbus, location, &aze, &call_error);
  if (!gust_nimbus_client_outcome(client, ok, call_error, error, 1, aze)) return FALSE;
  g_info("Uploading topology jar %s to assigned location: %s", jar_path, *location);
  gsize chunks = (size + CHUNK_BYTES - 1) / CHUNK_BYTES;
  guint last_tenth = 0;
  for (gsize offset = 0; offset < size; offset += CHUNK_BYTES) {
    gsize length = MIN((gsize)CHUNK_BYTES, size - offset);
    GByteArray *chunk = g_byte_array_sized_new((guint)length);
    g_byte_array_append(chunk, bytes + offset, (guint)length);
    ok = gust_storm_nimbus_if_upload_chunk(nimbus, *location, chunk, &aze, &call_error);
    g_byte_array_unref(chunk);
    if (!gust_nimbus_client_outcome(client, ok, call_error, error, 1, aze)) return FALSE;
    guint tenth = (guint)((offset + length) * 10 / size);
    if (chunks >= PROGRESS_MIN_CHUNKS && tenth > last_tenth) {
      g_info("Uploaded %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes (%u%%)", offset + length,
             size, tenth * 10);
      last_tenth = tenth;
    }
  }
  ok = gust_storm_nimbus_if_finish_file_upload(nimbus, *location, &aze, &call_error);
  if (!gust_nimbus_client_outcome(client, ok, call_error, error, 1, aze)) return FALSE;
  g_info("Successfully uploaded topology jar to assigned location: %s", *location);
  return TRUE;
}

static gboolean name_allowed(gust_nimbus_client *client, const char *name, GError **error)
{
  gboolean allowed = FALSE;
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL;
  gboolean ok = gust_storm_nimbus_if_is_topology_name_allowed(gust_nimbus_client_nimbus(client),
                                                              &allowed, name, &aze, &call_error);
  if (!gust_nimbus_client_outcome(client, ok, call_error, error, 1, aze)) return FALSE;
  if (allowed) return TRUE;
  g_set_error(error, GUST_NIMBUS_CLIENT_ERROR, GUST_NIMBUS_CLIENT_ERROR_DECLARED,
              "Topology name %s is either not allowed or it already exists on the cluster", name);
  return FALSE;
}

static gboolean submit_topology(gust_nimbus_client *client, const submit_options *o,
                                const char *location, GError **error)
{
  GustStormNimbusIf *nimbus = gust_nimbus_client_nimbus(client);
  GustStormAlreadyAliveException *e = NULL;
  GustStormInvalidTopologyException *ite = NULL;
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL;
  g_info("Submitting topology %s in distributed mode with conf %s", o->name, o->conf_json);
  gboolean ok;
  if (o->inactive) {
    GustStormSubmitOptions *options = g_object_new(GUST_STORM_TYPE_SUBMIT_OPTIONS, NULL);
    options->initial_status = GUST_STORM_TOPOLOGY_INITIAL_STATUS_INACTIVE;
    ok = gust_storm_nimbus_if_submit_topology_with_opts(
        nimbus, o->name, location, o->conf_json, o->topology, options, &e, &ite, &aze, &call_error);
    g_object_unref(options);
  } else {
    ok = gust_storm_nimbus_if_submit_topology(nimbus, o->name, location, o->conf_json, o->topology,
                                              &e, &ite, &aze, &call_error);
  }
  if (!gust_nimbus_client_outcome(client, ok, call_error, error, 3, e, ite, aze)) return FALSE;
  g_info("Finished submitting topology: %s", o->name);
  return TRUE;
}

static int submit_body(gust_nimbus_client *client, const json_t *conf, int n_args, char **args,
                       void *data)
{
  const submit_options *o = data;
  GError *error = NULL;
  g_autofree char *location = NULL;
  if (!name_allowed(client, o->name, &error) ||
      !upload_jar(client, o->jar ? o->jar : o->jar_path, &location, &error) ||
      !submit_topology(client, o, location, &error))
    return gust_cluster_command_fail(error);
  return 0;
}

int gust_cmd_submit(int argc, char **argv)
{
  submit_options o = {0};
  const GOptionEntry entries[] = {
      {"name", 0, 0, G_OPTION_ARG_STRING, &o.name,
       "the topology's name (default: the Flux file's name:)", "NAME"},
      {"inactive", 0, 0, G_OPTION_ARG_NONE, &o.inactive,
       "submit with its spouts deactivated (start them with gust activate)", NULL},
      {"filter", 0, 0, G_OPTION_ARG_FILENAME, &o.filter,
       "a .properties file for ${key} placeholders (Flux's --filter)", "FILE"},
      {"env-filter", 0, 0, G_OPTION_ARG_NONE, &o.env_filter,
       "replace ${ENV-NAME} placeholders (Flux's --env-filter)", NULL},
      {"jar", 0, 0, G_OPTION_ARG_FILENAME, &o.jar,
       "the topology jar: the spouts' and bolts' own Java classes, built from the Flux file by a "
       "JVM here and in every worker; it goes up instead of the resources/ folder",
       "JAR"},
      {"java", 0, 0, G_OPTION_ARG_FILENAME, &o.java, "with --jar: the java program", "PATH"},
      {"jvm-opts", 0, 0, G_OPTION_ARG_STRING, &o.jvm_opts,
       "with --jar: the options of the JVM that builds the classes here", "OPTIONS"},
      G_OPTION_ENTRY_NULL,
  };
  const gust_cluster_command command = {
      .parameters = "FLUX.yaml",
      .summary = "Submits the Flux topology FLUX.yaml to the cluster's Nimbus (Storm's `storm "
                 "jar ... org.apache.storm.flux.Flux --remote`): its resources/ folder goes up "
                 "as the topology jar; -c options are set in the topology's conf.",
      .entries = entries,
      .min_args = 1,
      .max_args = 1,
      .check = submit_check,
      .prepare = submit_prepare,
      .body = submit_body,
  };
  int status = gust_cluster_command_run(&command, argc, argv, &o);
  if (o.jar_path) g_unlink(o.jar_path);
  g_free(o.jar_path);
  g_free(o.conf_json);
  if (o.topology) g_object_unref(o.topology);
  g_free(o.name);
  g_free(o.filter);
  g_free(o.jar);
  g_free(o.java);
  g_free(o.jvm_opts);
  return status;
}
