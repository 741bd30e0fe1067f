"""Run a command with a real ZooKeeper server: with_zookeeper.py CMD [ARGS...]

Starts Debian's ZooKeeper server on a free 127.0.0.1 port (see
cluster_harness.py), runs CMD with GUST_TEST_ZOOKEEPER=127.0.0.1:PORT in its
environment, stops the server and exits with CMD's status.  ctest runs the
C tests of tests/cluster/ through it.  If the server does not start, the
exit status is 1 and the server's log is printed.
"""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_harness import ZooKeeperServer, _die_with_parent  # noqa: E402


def main(argv):
    if len(argv) < 2:
        print("usage: with_zookeeper.py CMD [ARGS...]", file=sys.stderr)
        return 2
    zk = ZooKeeperServer()
    try:
        try:
            zk.start()
        except AssertionError as e:
            print("with_zookeeper.py: %s" % e, file=sys.stderr)
            return 1
        # the server's pid too: a test may stop it for a while (SIGSTOP) to
        # play a slow server
        env = dict(os.environ, GUST_TEST_ZOOKEEPER=zk.address,
                   GUST_TEST_ZOOKEEPER_PID=str(zk.proc.pid))
        child = subprocess.Popen(argv[1:], env=env, preexec_fn=_die_with_parent)
        # ctest stops a test that runs too long with SIGTERM or SIGKILL: pass
        # SIGTERM on, so the server is still stopped and its data removed.
        signal.signal(signal.SIGTERM, lambda *_: os.killpg(child.pid, signal.SIGTERM))
        status = child.wait()
        if status < 0:
            print("with_zookeeper.py: %s killed by signal %d" % (argv[1], -status), file=sys.stderr)
            return 128 - status
        return status
    finally:
        zk.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
