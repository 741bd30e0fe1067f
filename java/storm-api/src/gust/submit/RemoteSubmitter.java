/* StormSubmitter's way to a cluster, as Storm's does it: the topology
 * conf (the main's, with the -c options on top) is checked to be JSON;
 * the leader is found by asking each of nimbus.seeds at
 * nimbus.thrift.port for getLeader (and moving to the host and port it
 * names); isTopologyNameAllowed; the jar named by system property
 * storm.jar is uploaded in chunks of 307200 bytes (beginFileUpload,
 * uploadChunk, finishFileUpload); then submitTopology(name, location,
 * jsonConf, topology).  Nimbus's AlreadyAliveException,
 * InvalidTopologyException and AuthorizationException reach the caller as
 * those types; anything else (no Nimbus, a name not allowed) as a
 * RuntimeException saying what failed where. */
package gust.submit;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.storm.StormSubmitter;
import org.apache.storm.generated.AlreadyAliveException;
import org.apache.storm.generated.AuthorizationException;
import org.apache.storm.generated.InvalidTopologyException;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.generated.SubmitOptions;
import org.apache.thrift.TException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class RemoteSubmitter {
    private static final Logger LOG = LoggerFactory.getLogger("org.apache.storm.StormSubmitter");
    private static final int CHUNK_BYTES = 307200; /* Storm's StormSubmitter.THRIFT_CHUNK_SIZE_BYTES */
    private static final Pattern TOPOLOGY_NAME = Pattern.compile("^[^/.:\\\\]+$"); /* Storm's Utils */

    private RemoteSubmitter() {
    }

    /* What submitTopologyWithProgressBar shows on standard output. */
    public static final StormSubmitter.ProgressListener PROGRESS_BAR = new StormSubmitter.ProgressListener() {
        @Override
        public void onStart(String srcFile, String targetFile, long totalBytes) {
            System.out.printf("Start uploading file '%s' to '%s' (%d bytes)%n", srcFile, targetFile, totalBytes);
        }

        @Override
        public void onProgress(String srcFile, String targetFile, long bytesUploaded, long totalBytes) {
            int done = totalBytes > 0 ? (int) (50 * bytesUploaded / totalBytes) : 50;
            System.out.printf("\r[%s%s] %d / %d", "=".repeat(done), " ".repeat(50 - done), bytesUploaded, totalBytes);
        }

        @Override
        public void onCompleted(String srcFile, String targetFile, long totalBytes) {
            System.out.printf("%nFile '%s' uploaded to '%s' (%d bytes)%n", srcFile, targetFile, totalBytes);
        }
    };

    /* opts null: submitTopology, else submitTopologyWithOpts (as Storm's
     * client chooses); progress null: the upload is only logged. */
    public static void submit(String name, Map<String, Object> topoConf, StormTopology topology, SubmitOptions opts,
        StormSubmitter.ProgressListener progress)
        throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        if (name == null || !TOPOLOGY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Topology name '" + name + "' is not valid: it must match "
                + TOPOLOGY_NAME.pattern());
        }
        if (topology.get_spouts_size() == 0) {
            throw new InvalidTopologyException("Topology " + name + " does not have any spout");
        }
        Map<String, Object> submitted = new LinkedHashMap<>();
        if (topoConf != null) {
            submitted.putAll(topoConf);
        }
        submitted.putAll(ClientConf.commandLineOptions());
        String jsonConf;
        try {
            jsonConf = Json.write(submitted);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Storm conf is not valid. Must be json-serializable: " + e.getMessage());
        }
        Map<String, Object> conf = ClientConf.read();
        conf.putAll(submitted);
        String jar = System.getProperty(ClientConf.JAR_PROPERTY);
        if (jar == null || jar.isEmpty()) {
            throw new RuntimeException("Must submit topologies with `gust jar` (or `storm jar`) so that "
                + "StormSubmitter knows which jar to upload (system property storm.jar is not set)");
        }
        try (NimbusConnection nimbus = leader(conf)) {
            boolean allowed;
            try {
                allowed = nimbus.isTopologyNameAllowed(name);
            } catch (AuthorizationException e) {
                throw e;
            } catch (TException e) {
                throw new RuntimeException(e);
            }
            if (!allowed) {
                throw new RuntimeException("Topology name " + name
                    + " is either not allowed or it already exists on the cluster");
            }
            String location = upload(nimbus, jar, progress);
            LOG.info("Submitting topology {} in distributed mode with conf {}", name, jsonConf);
            try {
                if (opts == null) {
                    nimbus.submitTopology(name, location, jsonConf, new TopologyWriter(topology));
                } else {
                    nimbus.submitTopologyWithOpts(name, location, jsonConf, new TopologyWriter(topology), opts);
                }
            } catch (AlreadyAliveException e) {
                LOG.error("Topology already alive exception", e);
                throw e;
            } catch (InvalidTopologyException e) {
                LOG.error("Topology submission exception: {}", e.getMessage());
                throw e;
            } catch (AuthorizationException e) {
                throw e;
            } catch (TException e) {
                throw new RuntimeException("submitting topology " + name + " to Nimbus at " + nimbus.host + ":"
                    + nimbus.port + ": " + e.getMessage(), e);
            }
            LOG.info("Finished submitting topology: {}", name);
        }
    }

    /* The leader's connection, found from the seeds; a RuntimeException
     * naming every seed tried and why it failed. */
    @SuppressWarnings("unchecked")
    static NimbusConnection leader(Map<String, Object> conf) {
        Object seedsValue = conf.get("nimbus.seeds");
        List<String> seeds = new ArrayList<>();
        if (seedsValue instanceof List) {
            for (Object s : (List<Object>) seedsValue) {
                seeds.add(String.valueOf(s));
            }
        } else if (seedsValue instanceof String) {
            seeds.add((String) seedsValue);
        }
        int port = intOf(conf, "nimbus.thrift.port", 6627);
        int timeoutMs = intOf(conf, "storm.thrift.socket.timeout.ms", 600000);
        int maxFrame = intOf(conf, "nimbus.thrift.max_buffer_size", 1048576);
        List<String> failures = new ArrayList<>();
        for (String seed : seeds) {
            NimbusConnection connection = null;
            try {
                connection = new NimbusConnection(seed, port, timeoutMs, maxFrame);
                NimbusConnection.Leader leader = connection.getLeader();
                if (!(leader.host.equals(seed) && leader.port == port)) {
                    connection.close();
                    connection = null;
                    connection = new NimbusConnection(leader.host, leader.port, timeoutMs, maxFrame);
                }
                LOG.info("Found leader nimbus : {}:{}", connection.host, connection.port);
                return connection;
            } catch (TException e) {
                if (connection != null) {
                    connection.close();
                }
                failures.add(seed + ":" + port + ": " + describe(e));
            }
        }
        throw new RuntimeException("Could not find leader nimbus from seed hosts " + seeds + " (nimbus.seeds) at "
            + "nimbus.thrift.port " + port + (failures.isEmpty() ? "" : ": " + String.join("; ", failures)));
    }

    private static String describe(Throwable e) {
        String text = e.getMessage() == null ? e.toString() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !text.contains(cause.getMessage())) {
            text += " (" + cause.getMessage() + ")";
        }
        return text;
    }

    private static String upload(NimbusConnection nimbus, String jar, StormSubmitter.ProgressListener progress)
        throws AuthorizationException {
        File file = new File(jar);
        try (InputStream in = new FileInputStream(file)) {
            String location = nimbus.beginFileUpload();
            LOG.info("Uploading topology jar {} to assigned location: {}", jar, location);
            long total = file.length();
            long sent = 0;
            if (progress != null) {
                progress.onStart(jar, location, total);
            }
            byte[] chunk = new byte[CHUNK_BYTES];
            for (int n = in.readNBytes(chunk, 0, CHUNK_BYTES); n > 0; n = in.readNBytes(chunk, 0, CHUNK_BYTES)) {
                nimbus.uploadChunk(location, ByteBuffer.wrap(chunk, 0, n));
                sent += n;
                if (progress != null) {
                    progress.onProgress(jar, location, sent, total);
                }
            }
            nimbus.finishFileUpload(location);
            if (progress != null) {
                progress.onCompleted(jar, location, total);
            }
            LOG.info("Successfully uploaded topology jar to assigned location: {}", location);
            return location;
        } catch (AuthorizationException e) {
            throw e;
        } catch (IOException e) {
            throw new RuntimeException("cannot read the topology jar " + jar + " (system property storm.jar): "
                + e.getMessage(), e);
        } catch (TException e) {
            throw new RuntimeException("uploading " + jar + " to Nimbus at " + nimbus.host + ":" + nimbus.port
                + ": " + describe(e), e);
        }
    }

    private static int intOf(Map<String, Object> conf, String key, int fallback) {
        Object v = conf.get(key);
        return v instanceof Number ? ((Number) v).intValue() : fallback;
    }
}
