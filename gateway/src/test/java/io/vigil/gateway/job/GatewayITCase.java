package io.vigil.gateway.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.gateway.config.GatewayConfig;
import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.gateway.mqtt.internal.TopicRecorder;
import io.vigil.gateway.mqtt.internal.WindowedPublisher;
import io.vigil.gateway.simulator.Fault;
import io.vigil.gateway.simulator.PumpSimulator;
import io.vigil.gateway.simulator.TelemetryPublisher;
import io.vigil.gateway.testing.Mosquitto;
import io.vigil.gateway.testing.ReaderStatus;
import io.vigil.gateway.testing.ResultSchema;
import io.vigil.pipelines.PipelineMetrics;
import io.vigil.pipelines.spec.PipelineSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spine end to end: the embedded broker, the shipped pump-anomaly pipeline with the real ONNX
 * model, a MiniCluster at parallelism 2 (two source readers on one shared subscription), the
 * simulator's faults, and a plain MQTT client reading results as a dashboard would.
 */
class GatewayITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PIPELINE = Path.of("..", "config", "pipelines", "pump-anomaly.yaml");

    /**
     * The embedded broker: one source reader on a plain subscription (HiveMQ CE's shared
     * subscriptions stall under backlog, see {@link Gateway#sharedGroup}), the rest of the job at
     * parallelism 2.
     */
    @Test
    @Timeout(300)
    void embeddedBrokerReportsEveryFaultAndNothingForTheHealthyPump() throws Exception {
        assertSpine(config(null, "it-embedded"), List.of("source-0"));
    }

    /** Mosquitto: two source readers sharing one MQTT 5 shared subscription. */
    @Test
    @Timeout(300)
    void mosquittoWithASharedSubscriptionReportsEveryFault(@TempDir Path dir) throws Exception {
        try (Mosquitto mosquitto = Mosquitto.start(dir)) {
            assertSpine(config(mosquitto.url(), "it-mosquitto"), List.of("source-0", "source-1"));
        }
    }

    private static GatewayConfig config(String brokerUrl, String clientIdPrefix) {
        return new GatewayConfig(
                brokerUrl,
                "127.0.0.1",
                0,
                1,
                clientIdPrefix,
                "vigil",
                Duration.ofMinutes(10),
                null,
                List.of(PIPELINE),
                2,
                Duration.ofSeconds(2),
                Path.of(System.getProperty("java.io.tmpdir"), "vigil-it-savepoints"),
                false,
                Duration.ofSeconds(5));
    }

    private static void assertSpine(GatewayConfig config, List<String> readers) throws Exception {
        String prefix = config.clientIdPrefix();
        List<PipelineSpec> pipelines = Gateway.loadPipelines(config);
        try (Gateway gateway = Gateway.start(config, pipelines);
                TopicRecorder results =
                        TopicRecorder.start(
                                gateway.upstreamUrl(),
                                prefix + "-results",
                                List.of("results/#"),
                                r -> {});
                TopicRecorder deadLetters =
                        TopicRecorder.start(
                                gateway.plantUrl(),
                                prefix + "-dead-letters",
                                List.of("vigil/dead-letter/#"),
                                r -> {})) {
            ReaderStatus.awaitOnline(gateway.plantUrl(), prefix, readers, Duration.ofSeconds(60));

            // Two simulated minutes of five pumps, as fast as the broker takes them.
            long start = Instant.now().minusSeconds(600).toEpochMilli();
            PumpSimulator simulator = new PumpSimulator(5, 100, 120_000, start, 42, true);
            MqttConnectionConfig plant =
                    MqttConnectionConfig.builder(gateway.plantUrl())
                            .clientIdPrefix(prefix + "-sim")
                            .build();
            long published;
            try (WindowedPublisher publisher =
                    new WindowedPublisher(plant, prefix + "-simulator", "telemetry")) {
                published = new TelemetryPublisher(simulator, publisher, 1).run(1_200, 0);
                for (String malformed :
                        List.of(
                                "not json",
                                "{\"ts\": 1}",
                                "{\"ts\": 1, \"vibration\": \"high\", \"pressure\": 1, \"temperature\": 1, \"current\": 1, \"flow\": 1}",
                                "{\"ts\": 1, \"vibration\": NaN, \"pressure\": 1, \"temperature\": 1, \"current\": 1, \"flow\": 1}")) {
                    publisher.publish(
                            "plant/pumps/pump-03/telemetry",
                            malformed.getBytes(StandardCharsets.UTF_8),
                            1,
                            false);
                }
                publisher.awaitAcknowledged();
            }
            assertThat(published).isEqualTo(6_000);

            // Every reading published reached the windows; the malformed ones became dead letters.
            // Should that ever not happen, the threads' stacks say where the readings stopped.
            java.util.concurrent.atomic.AtomicBoolean dumped =
                    new java.util.concurrent.atomic.AtomicBoolean();
            await().atMost(Duration.ofSeconds(60))
                    .conditionEvaluationListener(
                            condition -> {
                                if (condition.getRemainingTimeInMS() < 2_000
                                        && !condition.isSatisfied()
                                        && !dumped.getAndSet(true)) {
                                    dumpThreads();
                                }
                            })
                    .untilAsserted(
                            () -> {
                                assertThat(counter(gateway, PipelineMetrics.READINGS_WINDOWED))
                                        .as(
                                                "readings windowed (messages in %d, late %d, dead letters %d)",
                                                counter(gateway, PipelineMetrics.MESSAGES_IN),
                                                counter(gateway, PipelineMetrics.READINGS_LATE),
                                                counter(gateway, PipelineMetrics.DEAD_LETTERS))
                                        .isEqualTo(published);
                                assertThat(counter(gateway, PipelineMetrics.DEAD_LETTERS))
                                        .isEqualTo(4);
                                assertThat(deadLetters.received()).hasSize(4);
                            });
            assertThat(counter(gateway, PipelineMetrics.READINGS_LATE)).isZero();
            assertThat(deadLetters.received())
                    .extracting(r -> json(r.payload()).path("reason").asText())
                    .containsExactlyInAnyOrder(
                            "not valid JSON at byte 4: Unrecognized token 'not': was expecting (JSON String, Number (or 'NaN'/'+INF'/'-INF'), Array, Object or token 'null', 'true' or 'false')",
                            "missing field 'vibration'",
                            "field 'vibration' must be a number, found the text 'high'",
                            "field 'vibration' must be a finite number, found NaN");

            // Every fault is reported while it is active, by an event that validates against the
            // schema.
            for (Fault fault : simulator.faults()) {
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(
                                () ->
                                        assertThat(anomalies(results, fault.asset()))
                                                .as(
                                                        "anomaly events for %s (%s)",
                                                        fault.asset(), fault.kind())
                                                .anySatisfy(
                                                        e ->
                                                                assertThat(windowEnd(e))
                                                                        .isBetween(
                                                                                start
                                                                                        + fault
                                                                                                .startMillis(),
                                                                                start
                                                                                        + fault
                                                                                                .endMillis()
                                                                                        + 6_400)));
            }
            // Let scoring finish (the last windows wait for event time to pass them), then check
            // that the healthy pump never raised an anomaly and no fault was reported before it
            // began.
            long scored = counter(gateway, PipelineMetrics.WINDOWS_SCORED);
            await().pollDelay(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> counter(gateway, PipelineMetrics.WINDOWS_SCORED) == scored);
            assertThat(scored).isGreaterThan(500);
            // The results sink timed each result from its window's close: one figure per result
            // published, each positive and well under the time the run took.
            List<HistogramStatistics> latency = resultLatency(gateway);
            assertThat(latency.stream().mapToInt(HistogramStatistics::size).sum())
                    .isGreaterThanOrEqualTo(results.received().size());
            assertThat(latency)
                    .allSatisfy(
                            h -> {
                                assertThat(h.getMin()).as("fastest result, µs").isPositive();
                                assertThat(h.getMax())
                                        .as("slowest result, µs")
                                        .isLessThan(10_000_000L);
                            });
            // Every result message the pipelines sent out reached the upstream broker, the sink
            // counts it as delivered, and the subscriber there got each one.
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                assertThat(delivered(gateway))
                                        .isEqualTo(counter(gateway, PipelineMetrics.EVENTS_OUT));
                                assertThat(results.received()).hasSize((int) delivered(gateway));
                            });
            assertThat(anomalies(results, "pump-01")).isEmpty();
            for (Fault fault : simulator.faults()) {
                assertThat(anomalies(results, fault.asset()))
                        .allSatisfy(
                                e ->
                                        assertThat(windowEnd(e))
                                                .isGreaterThan(start + fault.startMillis()));
            }
            assertThat(results.received())
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(ResultSchema.violations(r.payload())).isEmpty());
            assertThat(results.received())
                    .filteredOn(r -> r.topic().endsWith("/health"))
                    .extracting(r -> json(r.payload()).path("asset").asText())
                    .contains("pump-01", "pump-02", "pump-03", "pump-04", "pump-05");
            // Raw readings never leave for the results side.
            assertThat(results.received())
                    .allSatisfy(r -> assertThat(r.topic()).startsWith("results/pump-anomaly/"));
            assertThat(gateway.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        }
    }

    private static void dumpThreads() {
        StringBuilder dump = new StringBuilder("Threads while readings are missing:\n");
        Thread.getAllStackTraces()
                .forEach(
                        (thread, stack) -> {
                            dump.append(thread.getName())
                                    .append(" ")
                                    .append(thread.getState())
                                    .append('\n');
                            for (int i = 0; i < Math.min(stack.length, 12); i++) {
                                dump.append("    at ").append(stack[i]).append('\n');
                            }
                        });
        System.err.println(dump);
    }

    /** The latency histograms of the results sink's subtasks that timed a result. */
    private static List<HistogramStatistics> resultLatency(Gateway gateway) {
        List<HistogramStatistics> found = new java.util.ArrayList<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : jobGroups(gateway)) {
            if (group.getValue().get(PipelineMetrics.RESULT_LATENCY) instanceof Histogram histogram
                    && histogram.getCount() > 0) {
                found.add(histogram.getStatistics());
            }
        }
        assertThat(found).as("result latency histograms with values").isNotEmpty();
        return found;
    }

    /** Result messages the job's results sinks delivered to the upstream broker. */
    private static long delivered(Gateway gateway) {
        long total = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : jobGroups(gateway)) {
            if (group.getValue().get(PipelineMetrics.RESULTS_DELIVERED) instanceof Gauge<?> gauge) {
                total += ((Number) gauge.getValue()).longValue();
            }
        }
        return total;
    }

    private static long counter(Gateway gateway, String name) {
        long total = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : jobGroups(gateway)) {
            if (group.getKey().getAllVariables().containsKey("<" + PipelineMetrics.PIPELINE + ">")
                    && group.getValue().get(name) instanceof Counter counter) {
                total += counter.getCount();
            }
        }
        return total;
    }

    /** The metric groups of the gateway's running job, with their metrics by name. */
    private static List<Map.Entry<MetricGroup, Map<String, Metric>>> jobGroups(Gateway gateway) {
        String job = gateway.job().getJobID().toString();
        return METRICS.getMetricsByGroup().entrySet().stream()
                .filter(group -> job.equals(group.getKey().getAllVariables().get("<job_id>")))
                .toList();
    }

    private static List<JsonNode> anomalies(TopicRecorder results, String asset) {
        return results.received().stream()
                .filter(r -> r.topic().equals("results/pump-anomaly/" + asset + "/anomaly"))
                .map(r -> json(r.payload()))
                .toList();
    }

    private static long windowEnd(JsonNode event) {
        return Instant.parse(event.path("windowEnd").asText()).toEpochMilli();
    }

    private static JsonNode json(String payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
