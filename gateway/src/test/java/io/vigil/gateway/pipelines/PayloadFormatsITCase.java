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
import io.vigil.pipelines.spec.PipelineSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.Metric.MetricBuilder;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.message.model.SparkplugBPayload.SparkplugBPayloadBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each payload format end to end: readings published by a real Paho client on the embedded broker,
 * read by the MQTT source, decoded and windowed by the translated pipeline on a MiniCluster, and
 * the model inputs checked value by value. Dead letters and Sparkplug rebirth requests come back
 * through the real MQTT sink on the same broker.
 *
 * <p>Every pipeline uses the tiny test model: 8 rows of 100 ms, channels a and b, so an 800 ms
 * tumbling window from {@link PipelineJob#T0} has one row per 100 ms. A window closes when event
 * time (the newest reading minus the 100 ms out-of-orderness) passes its end, so a reading at
 * {@code T0 + 900} closes the first one.
 */
class PayloadFormatsITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * JSON, two pipelines side by side in one job. One reads batches: an array of readings at
     * {@code /readings}, each naming its asset at {@code /device/id}, so one message feeds two
     * assets; a malformed record becomes one dead letter and the message's other records count. The
     * other reads one object per message, values at pointers into an array, with an explicit null
     * ("not in this reading") and a boolean. Both convert units with scale and offset.
     */
    @Test
    @Timeout(180)
    void jsonBatchesAndSingleReadingsThroughPointersWithUnitConversion() throws Exception {
        PipelineSpec batched =
                pipeline(
                        """
                        name: json-batch
                        source:
                          topics: ['plant/{gateway}/batch']
                          records: /readings
                          asset: /device/id
                          timestamp: {field: /t}
                          channels:
                            - {name: a, field: /values/temp, scale: 0.5, offset: 2}
                            - {name: b, field: /values/vib, scale: 0.25, offset: -1}
                        time: {max-out-of-orderness: 100ms, idle-timeout: 1h}
                        window: {type: tumbling, length: 800ms}
                        model: {name: tiny-ae}
                        """);
        PipelineSpec single =
                pipeline(
                        """
                        name: json-single
                        source:
                          topics: ['plant/{asset}/reading']
                          timestamp: {field: time, format: iso-8601}
                          channels:
                            - {name: a, field: /sensors/0/value, scale: 2}
                            - {name: b, field: /sensors/1/value, offset: 0.5}
                        time: {max-out-of-orderness: 100ms, idle-timeout: 1h}
                        window: {type: tumbling, length: 800ms, min-coverage: 0.75}
                        model: {name: tiny-ae}
                        """);
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
                TopicRecorder deadLetters =
                        TopicRecorder.start(
                                broker.url(),
                                "dead-letters",
                                List.of("vigil/dead-letter/#"),
                                r -> {});
                PipelineJob job = PipelineJob.start(broker.url(), batched, single)) {
            // p1: temp 16 + 2r, vib 4 + r, so a = 10 + r and b = r / 4.
            // p2: temp 2r, vib 8 - r, so a = 2 + r and b = 1 - r / 4.
            List<String> records = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                records.add(batchRecord("p1", T0 + 100 * r, 16 + 2 * r, 4 + r));
                records.add(batchRecord("p2", T0 + 100 * r, 2 * r, 8 - r));
                if (r == 1) {
                    records.add(
                            "{\"device\":{\"id\":\"p1\"},\"t\":"
                                    + (T0 + 150)
                                    + ",\"values\":{\"temp\":\"hot\",\"vib\":5}}");
                }
            }
            String batch = batch(records);
            job.publish("plant/gw-7/batch", batch);
            // The next window's first readings move event time past the first window's end.
            job.publish(
                    "plant/gw-7/batch",
                    batch(
                            List.of(
                                    batchRecord("p1", T0 + 900, 34, 13),
                                    batchRecord("p2", T0 + 900, 18, -1))));
            // A single reading where this pipeline expects a batch.
            String notABatch = batchRecord("p1", T0 + 950, 16, 4);
            job.publish("plant/gw-7/batch", notABatch);

            // p3: a = 2 × (5 + r / 2); b = value + 0.5; null leaves b out of row 5, false is 0.
            String[] vib = {"-0.5", "-0.25", "0", "0.25", "0.5", "null", "false", "1.25"};
            for (int r = 0; r < 8; r++) {
                job.publish("plant/p3/reading", singleReading(T0 + 100 * r, 5 + 0.5 * r, vib[r]));
            }
            job.publish("plant/p3/reading", singleReading(T0 + 900, 9.5, "1.5"));

            assertThat(job.awaitWindows(3))
                    .containsExactlyInAnyOrder(
                            window(
                                    "p1",
                                    T0,
                                    8,
                                    rows(
                                            "10 0", "11 0.25", "12 0.5", "13 0.75", "14 1",
                                            "15 1.25", "16 1.5", "17 1.75")),
                            window(
                                    "p2",
                                    T0,
                                    8,
                                    rows(
                                            "2 1", "3 0.75", "4 0.5", "5 0.25", "6 0", "7 -0.25",
                                            "8 -0.5", "9 -0.75")),
                            // Row 5 had no b of its own: forward-filled from row 4, not covered.
                            window(
                                    "p3",
                                    T0,
                                    7,
                                    rows(
                                            "10 0", "11 0.25", "12 0.5", "13 0.75", "14 1", "15 1",
                                            "16 0.5", "17 1.75")));

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(deadLetters.received()).hasSize(2));
            assertThat(deadLetters.received())
                    .extracting(TopicRecorder.Received::topic)
                    .containsOnly("vigil/dead-letter/json-batch");
            List<JsonNode> letters =
                    deadLetters.received().stream().map(r -> json(r.payload())).toList();
            assertThat(letters)
                    .extracting(
                            l -> l.path("reason").asText(),
                            l -> l.path("topic").asText(),
                            l -> l.path("payload").asText())
                    .containsExactly(
                            tuple(
                                    "record 4: field '/values/temp' must be a number, found the"
                                            + " text 'hot'",
                                    "plant/gw-7/batch",
                                    batch),
                            tuple(
                                    "expected an array of readings at '/readings', found nothing",
                                    "plant/gw-7/batch",
                                    notABatch));
            assertThat(letters)
                    .allSatisfy(
                            l -> {
                                assertThat(l.path("schema").asText())
                                        .isEqualTo("vigil.dead-letter/1");
                                assertThat(l.path("pipeline").asText()).isEqualTo("json-batch");
                            });
        }
    }

    /**
     * CSV: several lines per message, each message with its header line, ';' between values and
     * event time in epoch seconds with a fraction. An empty cell leaves a channel out of its row; a
     * line that does not parse is a dead letter while the other lines of its message count.
     */
    @Test
    @Timeout(180)
    void csvLinesWithHeaderSemicolonsAndEpochSeconds() throws Exception {
        PipelineSpec csv =
                pipeline(
                        """
                        name: csv
                        source:
                          topics: ['plant/{asset}/csv']
                          format: csv
                          csv: {columns: [time, temp, vib], delimiter: ';', header: true}
                          timestamp: {field: time, format: epoch-seconds}
                          channels:
                            - {name: a, field: temp}
                            - {name: b, field: vib}
                        time: {max-out-of-orderness: 100ms, idle-timeout: 1h}
                        window: {type: tumbling, length: 800ms, min-coverage: 0.75}
                        model: {name: tiny-ae}
                        """);
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
                TopicRecorder deadLetters =
                        TopicRecorder.start(
                                broker.url(),
                                "dead-letters",
                                List.of("vigil/dead-letter/#"),
                                r -> {});
                PipelineJob job = PipelineJob.start(broker.url(), csv)) {
            job.publish(
                    "plant/p4/csv",
                    """
                    time;temp;vib
                    1700000000.0;10;0
                    1700000000.1;10.5;0.125
                    1700000000.2;11;0.25
                    1700000000.3;11.5;
                    """);
            String second =
                    """
                    time;temp;vib
                    1700000000.4;12;0.5
                    1700000000.5;12.5;oops
                    1700000000.6;13;0.75
                    1700000000.7;13.5;0.875
                    1700000000.8;14;1
                    1700000000.9;14.5;1.125
                    """;
            job.publish("plant/p4/csv", second);

            // Row 3 lacks b and row 5 was rejected: both forward-filled, neither covered.
            assertThat(job.awaitWindows(1))
                    .containsExactly(
                            window(
                                    "p4",
                                    T0,
                                    6,
                                    rows(
                                            "10 0",
                                            "10.5 0.125",
                                            "11 0.25",
                                            "11.5 0.25",
                                            "12 0.5",
                                            "12 0.5",
                                            "13 0.75",
                                            "13.5 0.875")));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(deadLetters.received()).hasSize(1));
            JsonNode letter = json(deadLetters.received().get(0).payload());
            assertThat(deadLetters.received().get(0).topic()).isEqualTo("vigil/dead-letter/csv");
            assertThat(letter.path("reason").asText())
                    .isEqualTo("line 3: column 'vib' must be a number, found 'oops'");
            assertThat(letter.path("topic").asText()).isEqualTo("plant/p4/csv");
            assertThat(letter.path("payload").asText()).isEqualTo(second);
        }
    }

    /**
     * CSV with one topic per sensor: the channel is the topic's last level, each message carries
     * several readings of that one channel, and a topic for a channel the model does not take is
     * ignored. No later reading closes the window: the plant goes quiet, and after the idle timeout
     * event time follows the wall clock.
     */
    @Test
    @Timeout(180)
    void csvOneChannelPerTopicClosedByTheIdleTimeout() throws Exception {
        PipelineSpec perChannel =
                pipeline(
                        """
                        name: csv-per-channel
                        source:
                          topics: ['sensors/{asset}/{channel}']
                          format: csv
                          csv: {columns: [time, value]}
                          timestamp: {field: time}
                          channels:
                            - {name: a, field: temperature}
                            - {name: b, field: vibration}
                        time: {max-out-of-orderness: 100ms, idle-timeout: 2s}
                        window: {type: tumbling, length: 800ms}
                        model: {name: tiny-ae}
                        """);
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
                TopicRecorder deadLetters =
                        TopicRecorder.start(
                                broker.url(),
                                "dead-letters",
                                List.of("vigil/dead-letter/#"),
                                r -> {});
                PipelineJob job = PipelineJob.start(broker.url(), perChannel)) {
            StringBuilder temperature = new StringBuilder();
            StringBuilder vibration = new StringBuilder();
            StringBuilder humidity = new StringBuilder();
            for (int r = 0; r < 8; r++) {
                temperature.append(T0 + 100 * r).append(',').append(20 + 0.5 * r).append('\n');
                vibration.append(T0 + 100 * r).append(',').append(3 - 0.25 * r).append('\n');
                humidity.append(T0 + 100 * r).append(",40\n");
            }
            job.publish("sensors/p5/temperature", temperature.toString());
            job.publish("sensors/p5/humidity", humidity.toString());
            job.publish("sensors/p5/vibration", vibration.toString());
            long quietSince = System.currentTimeMillis();

            assertThat(job.awaitWindows(1))
                    .containsExactly(
                            window(
                                    "p5",
                                    T0,
                                    8,
                                    rows(
                                            "20 3",
                                            "20.5 2.75",
                                            "21 2.5",
                                            "21.5 2.25",
                                            "22 2",
                                            "22.5 1.75",
                                            "23 1.5",
                                            "23.5 1.25")));
            // Closed by the idle timeout (2 s of quiet, plus the 100 ms event time still lacked).
            assertThat(System.currentTimeMillis() - quietSince).isGreaterThanOrEqualTo(2_000);
            assertThat(deadLetters.received()).isEmpty();
        }
    }

    /**
     * Sparkplug B: births declare aliases and datatypes, data messages carry aliases only and no
     * datatypes. Then the edge node is reborn with the two aliases swapped and the datatypes with
     * them: the data after it still lands in the right channels, in the same window as the data
     * before it.
     */
    @Test
    @Timeout(180)
    void sparkplugDataByAliasAcrossARebirthWithOtherAliases() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
                TopicRecorder deadLetters =
                        TopicRecorder.start(
                                broker.url(),
                                "dead-letters",
                                List.of("vigil/dead-letter/#"),
                                r -> {});
                TopicRecorder commands =
                        TopicRecorder.start(
                                broker.url(),
                                "commands",
                                List.of("spBv1.0/plant1/NCMD/#"),
                                r -> {});
                PipelineJob job = PipelineJob.start(broker.url(), sparkplugPipeline())) {
            Sparkplug gw1 = new Sparkplug(job, "gw-1");
            gw1.nodeBirth(T0, 0);
            // The device birth's values are row 0: a = 10, b = 0.
            gw1.deviceBirth("pump-1", T0, 10, 11, 10f, 0.0);
            for (int r = 1; r < 4; r++) {
                gw1.data(
                        "pump-1",
                        T0 + 100 * r,
                        aliased(10, MetricDataType.Float, 10f + r, T0 + 100 * r),
                        aliased(11, MetricDataType.Double, r * 0.25, T0 + 100 * r));
            }
            // Rows 4 to 9 in one message, one timestamp per row.
            List<Metric> metrics = new ArrayList<>();
            for (int r = 4; r < 10; r++) {
                metrics.add(aliased(10, MetricDataType.Float, 10f + r, T0 + 100 * r));
                metrics.add(aliased(11, MetricDataType.Double, r * 0.25, T0 + 100 * r));
            }
            gw1.data("pump-1", T0 + 900, metrics.toArray(Metric[]::new));

            // Rebirth: Temperature is now alias 11 (a Float), Vibration alias 10 (a Double).
            gw1.nodeBirth(T0 + 1000, 1);
            gw1.deviceBirth("pump-1", T0 + 1000, 11, 10, 20f, 2.5);
            for (int r = 11; r < 16; r++) {
                gw1.data(
                        "pump-1",
                        T0 + 100 * r,
                        aliased(11, MetricDataType.Float, 10f + r, T0 + 100 * r),
                        aliased(10, MetricDataType.Double, r * 0.25, T0 + 100 * r));
            }
            gw1.data(
                    "pump-1",
                    T0 + 1700,
                    aliased(11, MetricDataType.Float, 27f, T0 + 1700),
                    aliased(10, MetricDataType.Double, 4.25, T0 + 1700));

            assertThat(job.awaitWindows(2))
                    .containsExactly(
                            window(
                                    "pump-1",
                                    T0,
                                    8,
                                    rows(
                                            "10 0", "11 0.25", "12 0.5", "13 0.75", "14 1",
                                            "15 1.25", "16 1.5", "17 1.75")),
                            // Rows 0 and 1 under the old aliases, 2 to 7 under the new ones.
                            window(
                                    "pump-1",
                                    T0 + 800,
                                    8,
                                    rows(
                                            "18 2", "19 2.25", "20 2.5", "21 2.75", "22 3",
                                            "23 3.25", "24 3.5", "25 3.75")));
            assertThat(deadLetters.received()).isEmpty();
            assertThat(commands.received()).isEmpty();
        }
    }

    /**
     * Sparkplug B: data from a device whose birth the gateway has not seen (it started after the
     * edge node's births) is a dead letter, and the gateway asks that edge node for a rebirth with
     * an NCMD on the plant broker. Once the node answers with its births, its data is read.
     */
    @Test
    @Timeout(180)
    void sparkplugDataWithoutABirthIsADeadLetterAndRequestsARebirth() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
                TopicRecorder deadLetters =
                        TopicRecorder.start(
                                broker.url(),
                                "dead-letters",
                                List.of("vigil/dead-letter/#"),
                                r -> {});
                TopicRecorder commands =
                        TopicRecorder.start(
                                broker.url(),
                                "commands",
                                List.of("spBv1.0/plant1/NCMD/#"),
                                r -> {});
                PipelineJob job = PipelineJob.start(broker.url(), sparkplugPipeline())) {
            Sparkplug gw2 = new Sparkplug(job, "gw-2");
            long before = System.currentTimeMillis();
            byte[] orphan = gw2.data("pump-9", T0, aliased(10, MetricDataType.Float, 99f, T0));

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                assertThat(deadLetters.received()).hasSize(1);
                                assertThat(commands.received()).hasSize(1);
                            });
            long after = System.currentTimeMillis();
            JsonNode letter = json(deadLetters.received().get(0).payload());
            assertThat(letter.path("reason").asText())
                    .isEqualTo(
                            "DDATA from group 'plant1', edge node 'gw-2', device 'pump-9': metric"
                                    + " alias 10: the device has had no DBIRTH in this session;"
                                    + " rebirth requested");
            assertThat(letter.path("topic").asText()).isEqualTo("spBv1.0/plant1/DDATA/gw-2/pump-9");
            assertThat(Base64.getDecoder().decode(letter.path("payloadBase64").asText()))
                    .isEqualTo(orphan);

            TopicRecorder.Received command = commands.received().get(0);
            assertThat(command.topic()).isEqualTo("spBv1.0/plant1/NCMD/gw-2");
            SparkplugBPayload request =
                    new SparkplugBPayloadDecoder().buildFromByteArray(command.bytes(), null);
            assertThat(request.getMetrics()).hasSize(1);
            Metric rebirth = request.getMetrics().get(0);
            assertThat(rebirth.getName()).isEqualTo("Node Control/Rebirth");
            assertThat(rebirth.getDataType()).isEqualTo(MetricDataType.Boolean);
            assertThat(rebirth.getValue()).isEqualTo(true);
            // Stamped with the time the orphaned message arrived.
            assertThat(request.getTimestamp().getTime()).isBetween(before, after);

            // The edge node answers with its births; from then on its data is read.
            gw2.nodeBirth(T0 + 100, 0);
            gw2.deviceBirth("pump-9", T0 + 100, 20, 21, 11f, 0.25);
            for (int r = 2; r < 10; r++) {
                gw2.data(
                        "pump-9",
                        T0 + 100 * r,
                        aliased(20, MetricDataType.Float, 10f + r, T0 + 100 * r),
                        aliased(21, MetricDataType.Double, r * 0.25, T0 + 100 * r));
            }
            // Row 0 had only the rejected reading: filled from row 1 and not covered.
            assertThat(job.awaitWindows(1))
                    .containsExactly(
                            window(
                                    "pump-9",
                                    T0,
                                    7,
                                    rows(
                                            "11 0.25", "11 0.25", "12 0.5", "13 0.75", "14 1",
                                            "15 1.25", "16 1.5", "17 1.75")));
            assertThat(deadLetters.received()).hasSize(1);
            assertThat(commands.received()).hasSize(1);
        }
    }

    private static PipelineSpec sparkplugPipeline() {
        // Edge node messages have four levels, device messages five: both are needed for births.
        return pipeline(
                """
                name: sparkplug
                source:
                  topics: ['spBv1.0/plant1/+/+', 'spBv1.0/plant1/+/+/+']
                  format: sparkplug-b
                  channels:
                    - {name: a, field: Pump/Temperature}
                    - {name: b, field: Pump/Vibration}
                time: {max-out-of-orderness: 100ms, idle-timeout: 1h}
                window: {type: tumbling, length: 800ms, min-coverage: 0.75}
                model: {name: tiny-ae}
                """);
    }

    private static String batchRecord(String asset, long t, double temp, double vib) {
        return "{\"device\":{\"id\":\""
                + asset
                + "\"},\"t\":"
                + t
                + ",\"values\":{\"temp\":"
                + temp
                + ",\"vib\":"
                + vib
                + "}}";
    }

    private static String batch(List<String> records) {
        return "{\"gateway\":\"gw-7\",\"readings\":[" + String.join(",", records) + "]}";
    }

    private static String singleReading(long t, double temp, String vib) {
        return "{\"time\":\""
                + Instant.ofEpochMilli(t)
                + "\",\"sensors\":[{\"id\":\"temp\",\"value\":"
                + temp
                + "},{\"id\":\"vib\",\"value\":"
                + vib
                + "}]}";
    }

    // Tahu's builders stamp a metric with the wall clock unless given a time.
    private static Metric named(String name, long alias, MetricDataType type, Object value, long t)
            throws Exception {
        return new MetricBuilder(name, type, value)
                .alias(alias)
                .timestamp(new Date(t))
                .createMetric();
    }

    private static Metric aliased(long alias, MetricDataType type, Object value, long t)
            throws Exception {
        return new MetricBuilder(alias, type, value).timestamp(new Date(t)).createMetric();
    }

    private static JsonNode json(String payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One Sparkplug B edge node of group {@code plant1}, publishing through the test's client. */
    private static final class Sparkplug {

        private final PipelineJob job;
        private final String node;
        private long seq;

        Sparkplug(PipelineJob job, String node) {
            this.job = job;
            this.node = node;
        }

        void nodeBirth(long t, long bdSeq) throws Exception {
            seq = 0;
            publish(
                    "NBIRTH",
                    null,
                    t,
                    false,
                    new MetricBuilder("bdSeq", MetricDataType.Int64, bdSeq)
                            .timestamp(new Date(t))
                            .createMetric(),
                    named("Node Control/Rebirth", 1, MetricDataType.Boolean, false, t));
        }

        /** A device birth: Temperature a Float, Vibration a Double, with their values at t. */
        void deviceBirth(
                String device,
                long t,
                long temperatureAlias,
                long vibrationAlias,
                float temperature,
                double vibration)
                throws Exception {
            publish(
                    "DBIRTH",
                    device,
                    t,
                    false,
                    named(
                            "Pump/Temperature",
                            temperatureAlias,
                            MetricDataType.Float,
                            temperature,
                            t),
                    named("Pump/Vibration", vibrationAlias, MetricDataType.Double, vibration, t),
                    named("Serial", 99, MetricDataType.String, "SN-" + device, t));
        }

        /** A DDATA without datatypes (Sparkplug 3.0 recommends leaving them out); its bytes. */
        byte[] data(String device, long t, Metric... metrics) throws Exception {
            return publish("DDATA", device, t, true, metrics);
        }

        private byte[] publish(
                String type, String device, long t, boolean stripDatatypes, Metric... metrics)
                throws Exception {
            SparkplugBPayload payload =
                    new SparkplugBPayloadBuilder(seq++ % 256)
                            .setTimestamp(new Date(t))
                            .addMetrics(List.of(metrics))
                            .createPayload();
            byte[] bytes = new SparkplugBPayloadEncoder().getBytes(payload, stripDatatypes);
            String topic =
                    "spBv1.0/plant1/" + type + "/" + node + (device == null ? "" : "/" + device);
            job.publish(topic, bytes);
            return bytes;
        }
    }
}
