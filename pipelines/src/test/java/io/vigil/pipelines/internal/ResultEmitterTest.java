package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.OutboundMessage.Destination;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Scored windows of the tiny model (channels a and b, card threshold 1.0) becoming events, health
 * and scores. Windows end on whole seconds after {@link #T0}; {@code window(s, ...)} ends at second
 * {@code s}. Every message the operator emits is validated against the result schema.
 */
class ResultEmitterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchema SCHEMA = schema();
    private static final long T0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
    private static final String EVENTS = "results/res/p1/anomaly";
    private static final String HEALTH = "results/res/p1/health";
    private static final String UUID =
            "[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    private KeyedOneInputStreamOperatorTestHarness<String, ScoredWindow, OutboundMessage> harness;

    @AfterEach
    void everyMessageMatchesTheSchema() throws Exception {
        if (harness != null) {
            for (OutboundMessage message : harness.extractOutputValues()) {
                assertThat(SCHEMA.validate(JSON.readTree(message.payload())))
                        .as(new String(message.payload(), StandardCharsets.UTF_8))
                        .isEmpty();
            }
            harness.close();
            harness = null;
        }
    }

    @Test
    void debounceRaisesOnceAtTheKthWindowOverAndClearsOnce() throws Exception {
        open("detect: {threshold: 2.0, debounce: {k: 2, n: 3}}");

        double[] scores = {1.0, 3.0, 1.0, 3.5, 4.0, 2.5, 1.0, 1.0, 1.0};
        for (int s = 0; s < scores.length; s++) {
            // b is the worst channel until the alarm clears, then a.
            send(window("p1", s, scores[s], s < 7 ? 0.5f : 2.0f, s < 7 ? 5.0f : 0.25f));
        }

        // 3.0 at :01 is 1 of 3; 3.5 at :03 makes 2 of the last 3 (:01, :03). Over the clear level
        // (the threshold): :03, :04, :05, then 2 of 3 until :07, where only :05 is left.
        assertThat(episodes()).containsExactly("raised@3", "cleared@7");
        List<OutboundMessage> events = sent(EVENTS);
        assertThat(events)
                .allSatisfy(
                        m -> {
                            assertThat(m.destination()).isEqualTo(Destination.UPSTREAM);
                            assertThat(m.qos()).isEqualTo(1);
                            assertThat(m.retain()).isFalse();
                        });
        ObjectNode raised = json(events.get(0));
        ObjectNode cleared = json(events.get(1));
        assertThat(raised.remove("id").asText()).matches(UUID);
        assertThat(cleared.remove("id").asText()).matches(UUID);
        assertThat(raised)
                .isEqualTo(
                        JSON.readTree(
                                """
                                {"schema": "vigil.result/2", "type": "anomaly", "pipeline": "res",
                                 "asset": "p1", "time": "2026-11-22T10:00:03Z",
                                 "windowStart": "2026-11-22T10:00:02.200Z",
                                 "windowEnd": "2026-11-22T10:00:03Z",
                                 "score": 3.5, "threshold": 2.0,
                                 "channels": [{"name": "b", "error": 5.0},
                                               {"name": "a", "error": 0.5}],
                                 "model": {"name": "tiny-ae", "version": "test"},
                                 "state": "raised",
                                 "episode": {"start": "2026-11-22T10:00:03Z", "peakScore": 3.5,
                                             "windowsOver": 1}}
                                """));
        assertThat(cleared)
                .isEqualTo(
                        JSON.readTree(
                                """
                                {"schema": "vigil.result/2", "type": "anomaly", "pipeline": "res",
                                 "asset": "p1", "time": "2026-11-22T10:00:07Z",
                                 "windowStart": "2026-11-22T10:00:06.200Z",
                                 "windowEnd": "2026-11-22T10:00:07Z",
                                 "score": 1.0, "threshold": 2.0,
                                 "channels": [{"name": "a", "error": 2.0},
                                               {"name": "b", "error": 0.25}],
                                 "model": {"name": "tiny-ae", "version": "test"},
                                 "state": "cleared",
                                 "episode": {"start": "2026-11-22T10:00:03Z", "peakScore": 4.0,
                                             "windowsOver": 3}}
                                """));
    }

    @Test
    void eventIdsAreTheSameWhenTheSameWindowsAreReplayed() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            open("detect: {threshold: 2.0}");
            send(window("p1", 0, 3.0, 1f, 1f));
            send(window("p1", 1, 1.0, 1f, 1f));
            for (OutboundMessage event : sent(EVENTS)) {
                ids.add(json(event).get("id").asText());
            }
        }

        assertThat(ids).hasSize(4);
        // The raise and the clear differ; the replay repeats them.
        assertThat(ids.get(0)).isNotEqualTo(ids.get(1));
        assertThat(ids.subList(2, 4)).isEqualTo(ids.subList(0, 2));
    }

    @Test
    void hysteresisHoldsTheAlarmAboveTheClearLevel() throws Exception {
        double[] scores = {3.0, 1.5, 1.2, 0.9, 0.8};

        open("detect: {threshold: 2.0, clear: 0.5}");
        for (int s = 0; s < scores.length; s++) {
            send(window("p1", s, scores[s], 1f, 1f));
        }
        // Clear level 1.0: 1.5 and 1.2 hold the alarm, 0.9 clears it.
        assertThat(episodes()).containsExactly("raised@0", "cleared@3");

        open("detect: {threshold: 2.0}");
        for (int s = 0; s < scores.length; s++) {
            send(window("p1", s, scores[s], 1f, 1f));
        }
        assertThat(episodes()).containsExactly("raised@0", "cleared@1");
    }

    @Test
    void cooldownHoldsBackARaiseUntilItHasPassed() throws Exception {
        open("detect: {threshold: 2.0, cooldown: 5s}");

        double[] scores = {3.0, 1.0, 3.0, 3.0, 1.0, 1.0, 3.0};
        for (int s = 0; s < scores.length; s++) {
            send(window("p1", s, scores[s], 1f, 1f));
        }

        // Cleared at :01; :02 and :03 are over but inside the cooldown; :06 is 5 s after the clear.
        assertThat(episodes()).containsExactly("raised@0", "cleared@1", "raised@6");
    }

    @Test
    void theWorkedExampleOfTheThresholdsDoc() throws Exception {
        open("detect: {threshold: 2.5, debounce: {k: 3, n: 5}, clear: 0.8, cooldown: 10s}");

        double[] scores = {
            1.1, 3.4, 0.9, 1.0, 1.1, 1.2, 3.2, 3.9, 4.6, 5.2, 2.3, 4.8, 1.4, 1.2, 1.1, 1.0, 3.5,
            3.7, 3.9, 1.0, 1.1, 1.2
        };
        for (int s = 0; s < scores.length; s++) {
            send(window("p1", s, scores[s], 1f, 1f));
        }

        assertThat(episodes()).containsExactly("raised@8", "cleared@14");
        JsonNode cleared = json(sent(EVENTS).get(1)).get("episode");
        assertThat(cleared)
                .isEqualTo(
                        JSON.readTree(
                                "{\"start\": \"2026-11-22T10:00:08Z\", \"peakScore\": 5.2,"
                                        + " \"windowsOver\": 3}"));
    }

    @Test
    void aCalibratingAssetHasNoThresholdAndNoEventsUntilItsProbationEnds() throws Exception {
        open(
                """
                detect:
                  calibrate: {windows: 20, initial-quantile: 0.8, risk: 0.01}
                output:
                  health: {interval: 1s}
                """);

        // Probation: 1.0, 1.05, ..., 1.9 and one spike of 5.0 at :10.
        for (int s = 0; s < 20; s++) {
            double score = s == 10 ? 5.0 : 1.0 + 0.05 * (s < 10 ? s : s - 1);
            send(window("p1", s, score, 1f, 1f));
        }
        List<ObjectNode> probation = healthMessages();
        assertThat(probation).hasSize(20);
        assertThat(probation)
                .allSatisfy(
                        h -> {
                            assertThat(h.get("status").asText()).isEqualTo("calibrating");
                            assertThat(h.get("threshold").isNull()).isTrue();
                        });
        assertThat(sent(EVENTS)).isEmpty();

        send(window("p1", 20, 1.0, 1f, 1f));
        send(window("p1", 21, 6.0, 1f, 1f));

        // The 0.8 quantile is 1.76; 4 excesses (too few for a shape) give an exponential tail
        // reaching 4.39 at the risk, but a risk below 1 / windows keeps the threshold at least the
        // highest probation score, 5.0.
        List<ObjectNode> health = healthMessages();
        assertThat(health).hasSize(22);
        assertThat(health.get(20).get("status").asText()).isEqualTo("ok");
        assertThat(health.get(20).get("threshold").asDouble()).isCloseTo(5.0, within(1e-6));
        assertThat(health.get(21).get("status").asText()).isEqualTo("anomaly");
        assertThat(episodes()).containsExactly("raised@21");
        assertThat(json(sent(EVENTS).get(0)).get("threshold").asDouble())
                .isCloseTo(5.0, within(1e-6));
    }

    @Test
    void theEventRateLimitHoldsBackMessagesWithinAMinuteOfEventTime() throws Exception {
        open("detect: {threshold: 2.0}\noutput:\n  events: {rate-limit: 1/min}");

        send(window("p1", 0, 3.0, 1f, 1f));
        send(window("p1", 1, 1.0, 1f, 1f));
        send(window("p1", 2, 3.0, 1f, 1f));
        send(window("p1", 3, 1.0, 1f, 1f));
        send(window("p1", 61, 3.0, 1f, 1f));

        // Raised at :00 and its clear at :01 (a published raise always gets its clear); the raise
        // at :02 is held back, and so is its clear at :03, so no consumer sees a lone clear.
        assertThat(episodes()).containsExactly("raised@0", "cleared@1", "raised@61");
    }

    @Test
    void eventFieldsSelectTheOptionalFields() throws Exception {
        open("detect: {threshold: 2.0}\noutput:\n  events: {fields: [score]}");

        send(window("p1", 0, 3.0, 1f, 2f));

        assertThat(sent(EVENTS)).hasSize(1);
        assertThat(json(sent(EVENTS).get(0)))
                .isEqualTo(
                        JSON.readTree(
                                """
                                {"schema": "vigil.result/2", "type": "anomaly", "pipeline": "res",
                                 "asset": "p1", "time": "2026-11-22T10:00:00Z", "score": 3.0,
                                 "state": "raised"}
                                """));
    }

    @Test
    void theScoreStreamSendsEveryWindowWithTheAlarmState() throws Exception {
        open("detect: {threshold: 2.0}\noutput:\n  scores: {topic: 'scores/{pipeline}/{asset}'}");

        send(window("p1", 0, 1.0, 1f, 1f));
        send(window("p1", 1, 3.0, 1f, 4f));
        send(window("p1", 2, 1.0, 1f, 1f));

        List<OutboundMessage> scores = sent("scores/res/p1");
        assertThat(scores).hasSize(3);
        assertThat(scores).allSatisfy(m -> assertThat(m.retain()).isFalse());
        assertThat(scores)
                .extracting(m -> json(m).get("alarm").asBoolean())
                .containsExactly(false, true, false);
        ObjectNode second = json(scores.get(1));
        assertThat(second.remove("id").asText()).matches(UUID);
        assertThat(second)
                .isEqualTo(
                        JSON.readTree(
                                """
                                {"schema": "vigil.result/2", "type": "score", "pipeline": "res",
                                 "asset": "p1", "time": "2026-11-22T10:00:01Z",
                                 "windowStart": "2026-11-22T10:00:00.200Z",
                                 "windowEnd": "2026-11-22T10:00:01Z",
                                 "score": 3.0, "threshold": 2.0,
                                 "channels": [{"name": "b", "error": 4.0},
                                               {"name": "a", "error": 1.0}],
                                 "model": {"name": "tiny-ae", "version": "test"},
                                 "alarm": true}
                                """));
    }

    @Test
    void healthIsRetainedPerAssetOnTheFirstWindowThenOncePerInterval() throws Exception {
        open("detect: {threshold: 2.0}");

        for (int s = 0; s <= 10; s++) {
            send(window("p1", s, s == 4 ? 3.0 : s == 5 ? 2.5 : 1.0, 1f, 1f));
        }
        send(window("p2", 3, 1.5, 1f, 1f));

        List<OutboundMessage> p1 = sent(HEALTH);
        List<OutboundMessage> p2 = sent("results/res/p2/health");
        assertThat(p1).hasSize(2);
        assertThat(p2).hasSize(1);
        assertThat(p1).allSatisfy(m -> assertThat(m.retain()).isTrue());
        assertThat(p1).allSatisfy(m -> assertThat(m.qos()).isEqualTo(1));
        assertThat(json(p1.get(0)).get("time").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(json(p1.get(0)).get("stats"))
                .isEqualTo(
                        JSON.readTree("{\"windows\": 1, \"windowsOver\": 0, \"maxScore\": 1.0}"));
        // The windows :01 to :10, of which :04 and :05 were over the threshold.
        ObjectNode tenth = json(p1.get(1));
        assertThat(tenth.get("time").asText()).isEqualTo("2026-11-22T10:00:10Z");
        assertThat(tenth.get("status").asText()).isEqualTo("ok");
        assertThat(tenth.get("stats"))
                .isEqualTo(
                        JSON.readTree("{\"windows\": 10, \"windowsOver\": 2, \"maxScore\": 3.0}"));
        ObjectNode other = json(p2.get(0));
        assertThat(other.get("asset").asText()).isEqualTo("p2");
        assertThat(other.get("type").asText()).isEqualTo("health");
        assertThat(other.get("stats"))
                .isEqualTo(
                        JSON.readTree("{\"windows\": 1, \"windowsOver\": 0, \"maxScore\": 1.5}"));
    }

    @Test
    void aWindowWithoutAFiniteScoreStillGivesSchemaValidMessages() throws Exception {
        open("detect: {threshold: 2.0}\noutput:\n  scores: {topic: 'scores/{pipeline}/{asset}'}");

        send(window("p1", 0, Double.NaN, 1f, 1f));

        for (OutboundMessage message : harness.extractOutputValues()) {
            assertThat(SCHEMA.validate(JSON.readTree(message.payload())))
                    .as(new String(message.payload(), StandardCharsets.UTF_8))
                    .isEmpty();
        }
    }

    @Test
    void theSchemaCheckIsNotVacuous() throws Exception {
        // An alarm event must say whether it was raised or cleared, and carry no score stream
        // field.
        JsonNode event =
                JSON.readTree(
                        """
                        {"schema": "vigil.result/2", "type": "anomaly", "pipeline": "res",
                         "asset": "p1", "time": "2026-11-22T10:00:00Z", "alarm": true}
                        """);

        assertThat(SCHEMA.validate(event)).hasSize(2);
    }

    // ---- helpers ----

    /** A fresh operator; the previous one's messages are checked against the schema first. */
    private void open(String extra) throws Exception {
        everyMessageMatchesTheSchema();
        var spec =
                TestPipelines.parse(
                        """
                        name: res
                        source:
                          topics: ['plant/{asset}/data']
                          channels: [a, b]
                        window: {length: 800ms, hop: 400ms}
                        model: {name: tiny-ae}
                        """
                                + extra);
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new ResultEmitter(spec)),
                        ScoredWindow::asset,
                        Types.STRING);
        harness.open();
    }

    /** The window of {@code asset} ending at second {@code second}, 800 ms long. */
    private static ScoredWindow window(String asset, int second, double score, float... errors) {
        long end = T0 + second * 1000L;
        return new ScoredWindow(asset, end - 800, end, score, errors, 0L);
    }

    private void send(ScoredWindow window) throws Exception {
        harness.processElement(window, window.end());
    }

    private List<OutboundMessage> sent(String topic) {
        return harness.extractOutputValues().stream().filter(m -> m.topic().equals(topic)).toList();
    }

    /** The alarm events of p1 as state@second. */
    private List<String> episodes() {
        return sent(EVENTS).stream()
                .map(ResultEmitterTest::json)
                .map(
                        e ->
                                e.get("state").asText()
                                        + "@"
                                        + (Instant.parse(e.get("time").asText()).toEpochMilli()
                                                        - T0)
                                                / 1000)
                .toList();
    }

    private List<ObjectNode> healthMessages() {
        return sent(HEALTH).stream().map(ResultEmitterTest::json).toList();
    }

    private static ObjectNode json(OutboundMessage message) {
        try {
            return (ObjectNode) JSON.readTree(message.payload());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonSchema schema() {
        try {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(
                            Files.readString(
                                    Path.of("..", "config", "schema", "result-event.schema.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
