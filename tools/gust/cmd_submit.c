/* cmd_submit.c — `gust submit FLUX.yaml` (in progress). */
#define G_LOG_DOMAIN "gust-cli"

#include "cluster_command.h"
#include "commands.h"
#include "log_writer.h"

int gust_cmd_submit(int argc, char **argv)
{
  gust_log_error("submit: not built yet");
  return 1;
}
