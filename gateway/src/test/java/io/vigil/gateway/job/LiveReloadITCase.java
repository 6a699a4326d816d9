package io.vigil.gateway.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.gateway.config.GatewayConfig;
import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.gateway.mqtt.internal.TopicRecorder;
import io.vigil.gateway.mqtt.internal.WindowedPublisher;
import io.vigil.gateway.testing.ReaderStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Editing a pipeline file while the gateway runs: the embedded broker, the real MQTT source and
 * sinks, the tiny ONNX model, a MiniCluster, and the file watcher of {@code vigil run}.
 *
 * <p>The pipeline calibrates a threshold per asset on its first 50 windows. Tumbling windows need
 * every one of their 8 rows ({@code min-coverage: 1}, {@code missing: skip}), so a single lost
 * reading would lose its window: the set of scored windows accounts for every reading.
 */
class LiveReloadITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_700_000_000_000L;
    private static final String PREFIX = "it-reload";

    private static final String PIPELINE =
            """
            name: reload
            source:
              topics: ['plant/{asset}/data']
              channels: [a, b]
            time: {max-out-of-orderness: 100ms, idle-timeout: 1s}
            window: {type: tumbling, length: 800ms, min-coverage: 1, missing: skip}
            model: {name: tiny-ae}
            detect:
              calibrate: {windows: 50, initial-quantile: 0.8, risk: RISK}
            output:
              scores: {topic: 'scores/{pipeline}/{asset}'}
            """;

    @Test
    @Timeout(300)
    void editsTakeEffectStateSurvivesAndNoReadingIsLost(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("reload.yaml");
        Files.writeString(file, PIPELINE.replace("RISK", "0.05"));
        GatewayConfig config =
                new GatewayConfig(
                        null,
                        "127.0.0.1",
                        0,
                        1,
                        PREFIX,
                        "vigil",
                        Duration.ofMinutes(10),
                        null,
                        List.of(file),
                        1,
                        Duration.ofSeconds(1),
                        dir.resolve("savepoints"),
                        true,
                        Duration.ofSeconds(5));
        try (Gateway gateway = Gateway.start(config, Gateway.loadPipelines(config));
                PipelineWatcher watcher = PipelineWatcher.start(gateway, config);
                TopicRecorder scores =
                        TopicRecorder.start(
                                gateway.upstreamUrl(),
                                PREFIX + "-scores",
                                List.of("scores/#"),
                                r -> {});
                TopicRecorder events =
                        TopicRecorder.start(
                                gateway.upstreamUrl(),
                                PREFIX + "-events",
                                List.of("results/reload/+/anomaly"),
                                r -> {});
                TopicRecorder status =
                        TopicRecorder.start(
                                gateway.plantUrl(),
                                PREFIX + "-status-watch",
                                List.of(watcher.statusTopic()),
                                r -> {});
                WindowedPublisher publisher =
                        new WindowedPublisher(
                                MqttConnectionConfig.builder(gateway.plantUrl())
                                        .clientIdPrefix(PREFIX + "-sim")
                                        .build(),
                                PREFIX + "-simulator",
                                "readings")) {
            ReaderStatus.awaitOnline(
                    gateway.plantUrl(), PREFIX, List.of("source-0"), Duration.ofSeconds(60));
            Random random = new Random(7);

            // 60 windows of normal readings: the first 50 calibrate the asset's threshold.
            publish(publisher, random, T0, 60, Set.of(), 0);
            await().atMost(Duration.ofSeconds(60)).until(() -> windowEnds(scores).size() == 60);
            double before = lastThreshold(scores);
            assertThat(thresholds(scores)).hasSize(2).containsNull();

            // A valid edit: a smaller risk gives a higher threshold from the same calibration.
            // Readings go on while the job restarts.
            JobClient first = gateway.job();
            Files.writeString(file, PIPELINE.replace("RISK", "0.001"));
            long phase2 = T0 + 600_000;
            publish(publisher, random, phase2, 40, Set.of(20, 21, 22), 10);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () ->
                                    assertThat(status.received())
                                            .extracting(r -> json(r.payload()))
                                            .anySatisfy(
                                                    s -> {
                                                        assertThat(s.path("state").asText())
                                                                .isEqualTo("running");
                                                        assertThat(s.has("savepoint")).isTrue();
                                                    }));
            assertThat(gateway.job().getJobID()).isNotEqualTo(first.getJobID());
            await().atMost(Duration.ofSeconds(60)).until(() -> windowEnds(scores).size() == 100);

            // Every window of both phases was scored once its 8 readings arrived: none was lost.
            Set<Long> expected = new TreeSet<>();
            for (int w = 1; w <= 60; w++) {
                expected.add(T0 + w * 800L);
            }
            for (int w = 1; w <= 40; w++) {
                expected.add(phase2 + w * 800L);
            }
            assertThat(windowEnds(scores)).isEqualTo(expected);

            // Calibration survived the restart: no window after it was scored without a
            // threshold, and the threshold is the new risk's.
            List<JsonNode> after =
                    scores.received().stream()
                            .map(r -> json(r.payload()))
                            .filter(s -> time(s) > phase2)
                            .toList();
            assertThat(after).allSatisfy(s -> assertThat(s.path("threshold").isNull()).isFalse());
            double reloaded = after.get(after.size() - 1).path("threshold").asDouble();
            assertThat(reloaded).isGreaterThan(before);
            // The anomalous windows raised an alarm judged against the new threshold.
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(events.received()).isNotEmpty());
            JsonNode raised = json(events.received().get(0).payload());
            assertThat(raised.path("state").asText()).isEqualTo("raised");
            assertThat(raised.path("threshold").asDouble()).isEqualTo(reloaded);
            assertThat(time(raised)).isEqualTo(phase2 + 21 * 800L);

            // An invalid edit: the errors are published and the running job goes on.
            JobClient running = gateway.job();
            Files.writeString(
                    file,
                    PIPELINE.replace("RISK", "0.001").replace("length: 800ms", "length: soon"));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () ->
                                    assertThat(status.received())
                                            .extracting(r -> json(r.payload()))
                                            .anySatisfy(
                                                    s -> {
                                                        assertThat(s.path("state").asText())
                                                                .isEqualTo("rejected");
                                                        JsonNode error = s.path("errors").get(0);
                                                        assertThat(error.path("line").asInt())
                                                                .isEqualTo(6);
                                                        assertThat(error.path("key").asText())
                                                                .isEqualTo("window.length");
                                                        assertThat(error.path("message").asText())
                                                                .contains("found 'soon'");
                                                    }));
            long phase3 = phase2 + 600_000;
            publish(publisher, random, phase3, 5, Set.of(), 0);
            await().atMost(Duration.ofSeconds(60)).until(() -> windowEnds(scores).size() == 105);
            assertThat(gateway.job().getJobID()).isEqualTo(running.getJobID());
            assertThat(gateway.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        }
    }

    /**
     * Publishes {@code windows} windows' worth of readings every 100 ms for asset p1; the windows
     * in {@code anomalous} (0-based) read far from normal on channel a. A {@code pauseMillis}
     * between readings spreads them over the seconds a reload takes.
     */
    private static void publish(
            WindowedPublisher publisher,
            Random random,
            long start,
            int windows,
            Set<Integer> anomalous,
            long pauseMillis)
            throws Exception {
        for (int i = 0; i < windows * 8; i++) {
            double a = anomalous.contains(i / 8) ? 40 : 10 + 2 * (random.nextDouble() * 2 - 1);
            double b = random.nextDouble() * 2 - 1;
            String reading =
                    String.format(
                            java.util.Locale.ROOT,
                            "{\"ts\":%d,\"a\":%.4f,\"b\":%.4f}",
                            start + i * 100L,
                            a,
                            b);
            publisher.publish("plant/p1/data", reading.getBytes(StandardCharsets.UTF_8), 1, false);
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
            }
        }
        publisher.awaitAcknowledged();
    }

    private static Set<Long> windowEnds(TopicRecorder scores) {
        Set<Long> ends = new TreeSet<>();
        scores.received().forEach(r -> ends.add(time(json(r.payload()))));
        return ends;
    }

    private static Set<Double> thresholds(TopicRecorder scores) {
        Set<Double> values = new java.util.HashSet<>();
        scores.received()
                .forEach(
                        r -> {
                            JsonNode t = json(r.payload()).path("threshold");
                            values.add(t.isNull() ? null : t.asDouble());
                        });
        return values;
    }

    private static double lastThreshold(TopicRecorder scores) {
        return scores.received().stream()
                .map(r -> json(r.payload()))
                .filter(s -> !s.path("threshold").isNull())
                .reduce((x, y) -> y)
                .orElseThrow()
                .path("threshold")
                .asDouble();
    }

    private static long time(JsonNode message) {
        return java.time.Instant.parse(message.path("time").asText()).toEpochMilli();
    }

    private static JsonNode json(String payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
