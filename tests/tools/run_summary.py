"""The table `gust local` and `gust jar --local` print when a run ends, one
row per component:

  component  kind  tasks  emitted  acked  failed  executed  errors  complete-ms  execute-ms  emit/s  ack/s

read as {component: {"kind", "tasks", "emitted", "acked", "failed",
"executed", "errors", "latency"}}: the counts as ints, latency the spout's
complete-ms or the bolt's execute-ms as a float.  Lines of other shapes
(logs, the header) are skipped."""


def summary(stdout):
    rows = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 12 and parts[1] in ("spout", "bolt"):
            rows[parts[0]] = dict(zip(
                ("kind", "tasks", "emitted", "acked", "failed", "executed", "errors", "latency"),
                [parts[1], int(parts[2])] + [int(p) for p in parts[3:8]] +
                [float(parts[8] if parts[1] == "spout" else parts[9])]))
    return rows
