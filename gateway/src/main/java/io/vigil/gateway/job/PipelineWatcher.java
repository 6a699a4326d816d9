package io.vigil.gateway.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.gateway.config.GatewayConfig;
import io.vigil.gateway.mqtt.internal.PahoClients;
import io.vigil.pipelines.spec.ConfigException;
import io.vigil.pipelines.spec.PipelineSpec;
import io.vigil.pipelines.spec.SpecError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the gateway when an operator edits a pipeline file. Every change is validated first: a
 * valid set of files restarts the job from a savepoint ({@link Gateway#reload}); an invalid one
 * leaves the running pipelines alone, and its errors are logged and published. Either way the
 * outcome is published, retained, on {@code vigil/status/<client-id-prefix>/pipelines} on the plant
 * broker, where an operator (or a dashboard) sees whether the edit took.
 *
 * <p>The files are polled rather than watched with {@code WatchService}: editors save by writing a
 * new file and renaming it over the old one, which file watches report unreliably, and reading a
 * handful of small files twice a second costs nothing.
 */
public final class PipelineWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineWatcher.class);
    private static final long POLL_MILLIS = 500;

    private final Gateway gateway;
    private final GatewayConfig config;
    private final String statusTopic;
    private final MqttAsyncClient status;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService poller;
    private List<String> seen;

    private PipelineWatcher(Gateway gateway, GatewayConfig config) {
        this.gateway = gateway;
        this.config = config;
        this.statusTopic = "vigil/status/" + config.clientIdPrefix() + "/pipelines";
        this.status =
                PahoClients.client(gateway.plant(), config.clientIdPrefix() + "-pipeline-status");
        this.poller =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "vigil-pipeline-watcher");
                            thread.setDaemon(true);
                            return thread;
                        });
    }

    /** Publishes the running pipelines and starts watching their files. */
    public static PipelineWatcher start(Gateway gateway, GatewayConfig config) throws Exception {
        PipelineWatcher watcher = new PipelineWatcher(gateway, config);
        watcher.status
                .connect(PahoClients.options(gateway.plant(), false, 16))
                .waitForCompletion(10_000);
        watcher.seen = watcher.read();
        watcher.publish("running", gateway.pipelines(), List.of(), null);
        watcher.poller.scheduleWithFixedDelay(
                watcher::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return watcher;
    }

    /** The topic the outcome of each edit is published on. */
    public String statusTopic() {
        return statusTopic;
    }

    private void poll() {
        try {
            List<String> now = read();
            if (now.equals(seen)) {
                return;
            }
            seen = now;
            List<PipelineSpec> specs;
            try {
                specs = Gateway.loadPipelines(config);
            } catch (ConfigException e) {
                LOG.error(
                        "Pipeline files changed but are not valid; the running pipelines go on:\n{}",
                        e.getMessage());
                publish("rejected", gateway.pipelines(), e.errors(), null);
                return;
            }
            LOG.info(
                    "Pipeline files changed; reloading {}",
                    specs.stream().map(PipelineSpec::name).toList());
            try {
                String savepoint = gateway.reload(specs);
                publish("running", specs, List.of(), savepoint);
            } catch (Exception e) {
                LOG.error("Reloading the pipelines failed; save the file again to retry", e);
                publish(
                        "reload-failed",
                        gateway.pipelines(),
                        List.of(new SpecError("", 1, 1, "", String.valueOf(e))),
                        null);
            }
        } catch (Exception e) {
            LOG.error("Cannot read the pipeline files", e);
        }
    }

    /** Every pipeline file's text; a missing file reads as empty and fails validation. */
    private List<String> read() throws IOException {
        List<String> contents = new ArrayList<>();
        for (Path file : config.pipelines()) {
            contents.add(Files.exists(file) ? Files.readString(file) : "");
        }
        return contents;
    }

    private void publish(
            String state, List<PipelineSpec> running, List<SpecError> errors, String savepoint)
            throws IOException {
        ObjectNode message = json.createObjectNode();
        message.put("schema", "vigil.status/1");
        message.put("state", state);
        message.put("time", Instant.now().toString());
        ArrayNode names = message.putArray("pipelines");
        running.forEach(p -> names.add(p.name()));
        ArrayNode problems = message.putArray("errors");
        for (SpecError error : errors) {
            problems.addObject()
                    .put("file", error.file())
                    .put("line", error.line())
                    .put("column", error.column())
                    .put("key", error.path())
                    .put("message", error.message());
        }
        if (savepoint != null) {
            message.put("savepoint", savepoint);
        }
        try {
            status.publish(statusTopic, json.writeValueAsBytes(message), 1, true)
                    .waitForCompletion(5_000);
        } catch (MqttException e) {
            LOG.warn("Cannot publish pipeline status to {}: {}", statusTopic, e.getMessage());
        }
    }

    @Override
    public void close() throws Exception {
        poller.shutdownNow();
        try {
            if (status.isConnected()) {
                status.disconnect(2_000).waitForCompletion(3_000);
            }
        } finally {
            status.close(true);
        }
    }
}
