package io.vigil.gateway.pipelines;

import static io.vigil.gateway.pipelines.PipelineJob.T0;
import static io.vigil.gateway.pipelines.PipelineJob.pipeline;
import static io.vigil.gateway.pipelines.PipelineJob.rows;
import static io.vigil.gateway.pipelines.PipelineJob.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.gateway.broker.EmbeddedBroker;
import io.vigil.gateway.mqtt.internal.TopicRecorder;
import io.vigil.pipelines.PipelineMetrics;
import io.vigil.pipelines.spec.PipelineSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.MetricNames;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Event time through the real broker: readings that arrive out of order within {@code
 * max-out-of-orderness} land in their rows; readings for windows already scored go to the late
 * topic on the plant broker with the reason, and are counted; {@code allowed-lateness} keeps a
 * window open for a reading that comes after event time passed the window's end.
 *
 * <p>The pipelines read {@code {"ts": ..., "a": ..., "b": ...}} on {@code plant/{asset}/data} into
 * 800 ms tumbling windows of the tiny test model (8 rows of 100 ms). Each reading's a is {@code 10
 * + ts / 100} and b is {@code ts / 400}, so a value shows which row it landed in.
 */
class LateReadingsITCase {

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
    private static final String TOPIC = "plant/p1/data";

    /**
     * With 300 ms out-of-orderness, event time is the newest reading minus 300 ms: the first window
     * [T0, T0 + 800) closes once a reading at T0 + 1100 arrives. Readings shuffled within that
     * bound all land in their rows; two readings sent after the window was scored go to {@code
     * vigil/late/pumps}, are counted, and stay out of the next window.
     */
    @Test
    @Timeout(180)
    void outOfOrderReadingsLandInTheirRowsAndLateOnesGoToTheLateTopic() throws Exception {
        PipelineSpec pumps =
                pipeline(
                        """
                        name: pumps
                        source:
                          topics: ['plant/{asset}/data']
                          channels: [a, b]
                        time: {max-out-of-orderness: 300ms, idle-timeout: 1h}
                        window: {type: tumbling, length: 800ms}
                        model: {name: tiny-ae}
                        """);
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
                TopicRecorder late =
                        TopicRecorder.start(
                                broker.url(), "late", List.of("vigil/late/#"), r -> {});
                PipelineJob job = PipelineJob.start(broker.url(), pumps)) {
            // 600 comes after 800 (200 ms behind the newest), 100 after 200, 400 after 500.
            for (long offset : new long[] {0, 200, 100, 300, 500, 400, 700, 800, 600, 900}) {
                job.publish(TOPIC, reading(offset));
            }
            assertThat(job.windows()).isEmpty();
            job.publish(TOPIC, reading(1100));
            assertThat(job.awaitWindows(1))
                    .containsExactly(
                            window(
                                    "p1",
                                    T0,
                                    8,
                                    rows(
                                            "10 0", "11 0.25", "12 0.5", "13 0.75", "14 1",
                                            "15 1.25", "16 1.5", "17 1.75")));

            // The first window is scored: readings for it are late now, however recent.
            String lateReading = "{\"ts\":" + (T0 + 750) + ",\"a\":99,\"b\":9}";
            job.publish(TOPIC, lateReading);
            job.publish(TOPIC, "{\"ts\":" + (T0 + 50) + ",\"a\":98,\"b\":8}");
            // The second window is still open, also for a reading behind the newest one.
            for (long offset : new long[] {1000, 1200, 1300, 1400, 1500, 1900}) {
                job.publish(TOPIC, reading(offset));
            }

            assertThat(job.awaitWindows(2))
                    .containsExactly(
                            window(
                                    "p1",
                                    T0,
                                    8,
                                    rows(
                                            "10 0", "11 0.25", "12 0.5", "13 0.75", "14 1",
                                            "15 1.25", "16 1.5", "17 1.75")),
                            window(
                                    "p1",
                                    T0 + 800,
                                    8,
                                    rows(
                                            "18 2", "19 2.25", "20 2.5", "21 2.75", "22 3",
                                            "23 3.25", "24 3.5", "25 3.75")));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(late.received()).hasSize(2));
            assertThat(late.received())
                    .extracting(TopicRecorder.Received::topic)
                    .containsOnly("vigil/late/pumps");
            assertThat(late.received())
                    .extracting(r -> json(r.payload()))
                    .extracting(
                            l -> l.path("schema").asText(),
                            l -> l.path("pipeline").asText(),
                            l -> l.path("reason").asText(),
                            l -> l.path("payload").asText())
                    .containsExactly(
                            tuple(
                                    "vigil.dead-letter/1",
                                    "pumps",
                                    "late: event time 1700000000750 is before the oldest open"
                                            + " window, which starts at 1700000000800",
                                    "{\"asset\":\"p1\",\"ts\":1700000000750,\"values\":[99.0,"
                                            + " 9.0]}"),
                            tuple(
                                    "vigil.dead-letter/1",
                                    "pumps",
                                    "late: event time 1700000000050 is before the oldest open"
                                            + " window, which starts at 1700000000800",
                                    "{\"asset\":\"p1\",\"ts\":1700000000050,\"values\":[98.0,"
                                            + " 8.0]}"));
            assertThat(counter(job, PipelineMetrics.READINGS_LATE)).isEqualTo(2);
            assertThat(counter(job, PipelineMetrics.READINGS_WINDOWED)).isEqualTo(17);
            assertThat(counter(job, PipelineMetrics.DEAD_LETTERS)).isZero();
        }
    }

    /**
     * With 500 ms allowed lateness the window [T0, T0 + 800) is scored only when event time reaches
     * T0 + 1300. Event time stands at T0 + 900 (a reading at T0 + 1000 minus 100 ms) when row 3's
     * reading arrives, behind it: the window takes it. Once the window is scored, the next reading
     * for it goes to the configured late topic.
     */
    @Test
    @Timeout(180)
    void allowedLatenessKeepsTheWindowOpenForAReadingBehindEventTime() throws Exception {
        PipelineSpec pumps =
                pipeline(
                        """
                        name: pumps
                        source:
                          topics: ['plant/{asset}/data']
                          channels: [a, b]
                        time: {max-out-of-orderness: 100ms, idle-timeout: 1h, allowed-lateness: 500ms}
                        window: {type: tumbling, length: 800ms}
                        model: {name: tiny-ae}
                        output:
                          late: {topic: 'plant/late-readings/{pipeline}'}
                        """);
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
                TopicRecorder late =
                        TopicRecorder.start(
                                broker.url(), "late", List.of("plant/late-readings/#"), r -> {});
                PipelineJob job = PipelineJob.start(broker.url(), pumps)) {
            for (long offset : new long[] {0, 100, 200, 400, 500, 600, 700, 1000}) {
                job.publish(TOPIC, reading(offset));
            }
            // Event time has passed the window's end: it is the watermark the window operator
            // holds, T0 + 1000 - 100 ms - 1.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> windowInputWatermark(job, "pumps: tumbling window") == T0 + 899);
            assertThat(job.windows()).isEmpty();

            job.publish(TOPIC, reading(300));
            job.publish(TOPIC, reading(1400));
            assertThat(job.awaitWindows(1))
                    .containsExactly(
                            window(
                                    "p1",
                                    T0,
                                    8,
                                    rows(
                                            "10 0", "11 0.25", "12 0.5", "13 0.75", "14 1",
                                            "15 1.25", "16 1.5", "17 1.75")));
            assertThat(counter(job, PipelineMetrics.READINGS_LATE)).isZero();

            job.publish(TOPIC, "{\"ts\":" + (T0 + 350) + ",\"a\":97,\"b\":7}");
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(late.received()).hasSize(1));
            TopicRecorder.Received received = late.received().get(0);
            assertThat(received.topic()).isEqualTo("plant/late-readings/pumps");
            JsonNode letter = json(received.payload());
            assertThat(letter.path("reason").asText())
                    .isEqualTo(
                            "late: event time 1700000000350 is before the oldest open window,"
                                    + " which starts at 1700000000800");
            assertThat(letter.path("payload").asText())
                    .isEqualTo("{\"asset\":\"p1\",\"ts\":1700000000350,\"values\":[97.0, 7.0]}");
            assertThat(counter(job, PipelineMetrics.READINGS_LATE)).isEqualTo(1);
            assertThat(counter(job, PipelineMetrics.READINGS_WINDOWED)).isEqualTo(10);
            assertThat(job.windows()).hasSize(1);
        }
    }

    /** A reading at {@code T0 + offset} whose values name its row: a = 10 + row, b = row / 4. */
    private static String reading(long offset) {
        return "{\"ts\":"
                + (T0 + offset)
                + ",\"a\":"
                + (10 + offset / 100.0)
                + ",\"b\":"
                + offset / 400.0
                + "}";
    }

    /** A Vigil counter of the job, summed over its subtasks. */
    private static long counter(PipelineJob job, String name) {
        String id = job.job().getJobID().toString();
        long total = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                METRICS.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            if (id.equals(variables.get("<job_id>"))
                    && variables.containsKey("<" + PipelineMetrics.PIPELINE + ">")
                    && group.getValue().get(name) instanceof Counter counter) {
                total += counter.getCount();
            }
        }
        return total;
    }

    /** The event time an operator has been told (its input watermark); MIN_VALUE before any. */
    private static long windowInputWatermark(PipelineJob job, String operator) {
        String id = job.job().getJobID().toString();
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                METRICS.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            if (id.equals(variables.get("<job_id>"))
                    && operator.equals(variables.get("<operator_name>"))
                    && group.getValue().get(MetricNames.IO_CURRENT_INPUT_WATERMARK)
                            instanceof Gauge<?> gauge) {
                return ((Number) gauge.getValue()).longValue();
            }
        }
        return Long.MIN_VALUE;
    }

    private static JsonNode json(String payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
