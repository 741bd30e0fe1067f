/* commands.h — the gust subcommands; each takes the arguments after its
 * name (argv[0] is the subcommand) and returns a process exit status. */
#ifndef GUST_COMMANDS_H
#define GUST_COMMANDS_H

int gust_cmd_demo(int argc, char **argv);
int gust_cmd_local(int argc, char **argv);
int gust_cmd_kafka_mock(int argc, char **argv);
int gust_cmd_kafka_console(int argc, char **argv);
int gust_cmd_nimbus(int argc, char **argv);

#endif
