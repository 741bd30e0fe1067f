/* commands.h — the gust subcommands; each takes the arguments after its
 * name (argv[0] is the subcommand) and returns a process exit status. */
#ifndef GUST_COMMANDS_H
#define GUST_COMMANDS_H

int gust_cmd_demo(int argc, char **argv);
int gust_cmd_local(int argc, char **argv);
int gust_cmd_jar(int argc, char **argv);
int gust_cmd_kafka_mock(int argc, char **argv);
int gust_cmd_kafka_console(int argc, char **argv);
int gust_cmd_nimbus(int argc, char **argv);
/* Storm's command line against a Nimbus (cluster_command.h) */
int gust_cmd_submit(int argc, char **argv);
int gust_cmd_list(int argc, char **argv);
int gust_cmd_activate(int argc, char **argv);
int gust_cmd_deactivate(int argc, char **argv);
int gust_cmd_rebalance(int argc, char **argv);
int gust_cmd_kill(int argc, char **argv);
int gust_cmd_monitor(int argc, char **argv);
int gust_cmd_supervisor(int argc, char **argv);
int gust_cmd_dev_cluster(int argc, char **argv);
int gust_cmd_worker(int argc, char **argv);
int gust_cmd_ui(int argc, char **argv);
int gust_cmd_validate(int argc, char **argv);
/* the resource-usage comparison of gust and a legacy Storm cluster (cmd_report.h) */
int gust_cmd_report(int argc, char **argv);
int gust_cmd_report_run(int argc, char **argv);

#endif
