"""nimbus_client.py — a Storm client generated at build time from the
project's storm.thrift (thrift --gen py), and what the Nimbus tests submit:
a multilang WordCount as a StormTopology and its jar."""
import io
import os
import sys
import zipfile

sys.path.insert(0, os.environ.get(
    "GUST_PY_THRIFT_DIR",
    os.path.join(os.environ.get("GUST_BUILD_DIR", ""), "compat", "thrift", "gen-py")))

try:
    import thrift  # noqa: F401
except ImportError:  # a python3 other than Debian's: use Debian's python3-thrift
    sys.path.append("/usr/lib/python3/dist-packages/")
from thrift.protocol import TBinaryProtocol  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402
from gust_storm import Nimbus as NimbusService  # noqa: E402
from gust_storm import ttypes  # noqa: E402,F401


class Client:
    """A Nimbus.Client over framed transport + binary protocol, as Storm's."""

    def __init__(self, port):
        sock = TSocket.TSocket("127.0.0.1", port)
        sock.setTimeout(60000)
        self.transport = TTransport.TFramedTransport(sock)
        self.nimbus = NimbusService.Client(TBinaryProtocol.TBinaryProtocol(self.transport))
        self.transport.open()

    def __getattr__(self, name):
        return getattr(self.nimbus, name)

    def close(self):
        self.transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def growth_above(floor, read):
    """For wait_for: read()'s count when it is above floor, else None; a
    NotAliveException is None too ("not yet"): a Nimbus stepping down for a
    ZooKeeper blip (a loaded machine) serves no reads until it leads again."""
    try:
        n = read()
    except ttypes.NotAliveException:
        return None
    return n if n > floor else None


def jar_bytes(entries=None):
    """A jar (zip) with resources/ holding the multilang scripts."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in (entries or {"resources/splitsentence.py": "print('split')\n"}).items():
            z.writestr(name, data)
    return buf.getvalue()


def upload(client, data, chunk=307200):
    location = client.beginFileUpload()
    for i in range(0, len(data), chunk):
        client.uploadChunk(location, data[i:i + chunk])
    client.finishFileUpload(location)
    return location


def shell(command, script):
    return ttypes.ComponentObject(shell=ttypes.ShellComponent(command, script))


def common(parallelism, inputs=None, fields=("word",), json_conf=None):
    return ttypes.ComponentCommon(
        inputs=inputs or {},
        streams={"default": ttypes.StreamInfo(output_fields=list(fields), direct=False)},
        parallelism_hint=parallelism, json_conf=json_conf)


def wordcount(split_source="sentences", count_fields=("word",)):
    """spout sentences (shell) -> split (shell, shuffle) -> count (shell, fields)."""
    spouts = {"sentences": ttypes.SpoutSpec(
        spout_object=shell("python3", "sentences.py"),
        common=common(1, fields=("sentence",)))}
    bolts = {
        "split": ttypes.Bolt(
            bolt_object=shell("python3", "splitsentence.py"),
            common=common(2, inputs={ttypes.GlobalStreamId(split_source, "default"):
                                     ttypes.Grouping(shuffle=ttypes.NullStruct())})),
        "count": ttypes.Bolt(
            bolt_object=shell("python3", "wordcount.py"),
            common=common(2, fields=("word", "count"),
                          inputs={ttypes.GlobalStreamId("split", "default"):
                                  ttypes.Grouping(fields=list(count_fields))})),
    }
    return ttypes.StormTopology(spouts=spouts, bolts=bolts, state_spouts={}, worker_hooks=[],
                                dependency_jars=[], dependency_artifacts=[],
                                storm_version="2.6.0")
