package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.OutboundMessage.Destination;
import io.vigil.pipelines.spec.PipelineSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decode operator: JSON messages for the tiny model's channels a and b, with a unit conversion
 * on a and a plausible range on b.
 */
class ReadingDecoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final float NaN = Float.NaN;
    private static final long ARRIVED = 1_800_000_000_000L;

    private static final String CONVERTED =
            """
            name: dec
            source:
              topics: ['plant/{asset}/data']
              channels:
                - {name: a, scale: 0.5, offset: -5}
                - {name: b, scale: 2, min: 0, max: 10}
            window: {length: 800ms, hop: 400ms}
            model: {name: tiny-ae}
            output:
              dead-letters: {topic: 'dlq/{pipeline}/bad', qos: 0}
            """;

    private OneInputStreamOperatorTestHarness<InboundMessage, Reading> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void appliesScaleThenOffset() throws Exception {
        open(CONVERTED);

        send("plant/p1/data", "{\"ts\": 1000, \"a\": 100, \"b\": 1.5}");
        send("plant/p1/data", "{\"ts\": 1100, \"a\": null, \"b\": 0}");

        // a: 100 × 0.5 − 5 = 45; b: 1.5 × 2 = 3. A channel not in the reading stays NaN.
        assertThat(readings())
                .containsExactly(reading("p1", 1000, 45f, 3f), reading("p1", 1100, NaN, 0f));
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aReadingOutsideItsPlausibleRangeIsADeadLetter() throws Exception {
        open(CONVERTED);
        String payload = "{\"ts\": 1000, \"a\": 100, \"b\": 6}";

        send("plant/p1/data", payload);

        assertThat(readings()).isEmpty();
        List<OutboundMessage> letters = deadLetters();
        assertThat(letters).hasSize(1);
        OutboundMessage letter = letters.get(0);
        assertThat(letter.destination()).isEqualTo(Destination.PLANT);
        assertThat(letter.topic()).isEqualTo("dlq/dec/bad");
        assertThat(letter.qos()).isZero();
        assertThat(letter.retain()).isFalse();
        JsonNode json = JSON.readTree(letter.payload());
        assertThat(json.get("schema").asText()).isEqualTo("vigil.dead-letter/1");
        assertThat(json.get("pipeline").asText()).isEqualTo("dec");
        // 6 × 2 = 12, above the max of 10.
        assertThat(json.get("reason").asText())
                .isEqualTo(
                        "channel 'b' of asset 'p1' is 12.0, outside its plausible range [0.0,"
                                + " 10.0]");
        assertThat(json.get("topic").asText()).isEqualTo("plant/p1/data");
        assertThat(json.get("receivedAt").asLong()).isEqualTo(ARRIVED);
        assertThat(json.get("payload").asText()).isEqualTo(payload);
        assertThat(json.has("payloadBase64")).isFalse();
    }

    @Test
    void theRangeIsCheckedAfterScalingAndBelowTheMinimumToo() throws Exception {
        open(CONVERTED);

        // b = 5 × 2 = 10: at the max, plausible; b = −0.5 × 2 = −1: below the min.
        send("plant/p1/data", "{\"ts\": 1000, \"a\": 10, \"b\": 5}");
        send("plant/p1/data", "{\"ts\": 1100, \"a\": 10, \"b\": -0.5}");

        assertThat(readings()).containsExactly(reading("p1", 1000, 0f, 10f));
        assertThat(reasons())
                .containsExactly(
                        "channel 'b' of asset 'p1' is -1.0, outside its plausible range [0.0,"
                                + " 10.0]");
    }

    @Test
    void anImplausibleReadingOfABatchLeavesTheOthers() throws Exception {
        open(CONVERTED);

        send(
                "plant/p1/data",
                "[{\"ts\": 1000, \"a\": 10, \"b\": 1}, {\"ts\": 1100, \"a\": 10, \"b\": 99},"
                        + " {\"ts\": 1200, \"a\": 12, \"b\": 2}]");

        assertThat(readings())
                .containsExactly(reading("p1", 1000, 0f, 2f), reading("p1", 1200, 1f, 4f));
        assertThat(reasons())
                .containsExactly(
                        "channel 'b' of asset 'p1' is 198.0, outside its plausible range [0.0,"
                                + " 10.0]");
    }

    @Test
    void whatTheDecoderRejectsIsADeadLetterWithTheDefaultTopic() throws Exception {
        open(
                """
                name: plain
                source:
                  topics: ['plant/{asset}/data']
                  channels: [a, b]
                window: {length: 800ms, hop: 400ms}
                model: {name: tiny-ae}
                """);

        send("plant/p1/data", "{\"ts\": 1000, \"a\": \"high\", \"b\": 1}");

        assertThat(readings()).isEmpty();
        List<OutboundMessage> letters = deadLetters();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).topic()).isEqualTo("vigil/dead-letter/plain");
        assertThat(letters.get(0).qos()).isEqualTo(1);
        assertThat(reasons()).containsExactly("field 'a' must be a number, found the text 'high'");
    }

    @Test
    void aPayloadThatIsNotUtf8IsKeptAsBase64() throws Exception {
        open(CONVERTED);

        harness.processElement(
                new InboundMessage("plant/p1/data", new byte[] {(byte) 0xff, 0x00}, ARRIVED),
                ARRIVED);

        JsonNode json = JSON.readTree(deadLetters().get(0).payload());
        assertThat(json.get("payloadBase64").asText()).isEqualTo("/wA=");
        assertThat(json.has("payload")).isFalse();
        assertThat(json.get("reason").asText()).startsWith("not valid JSON at character 1: ");
    }

    @Test
    void aReadingExactlyAtItsBoundIsPlausible() throws Exception {
        open(
                """
                name: dec
                source:
                  topics: ['plant/{asset}/data']
                  channels: [{name: a, max: 0.1}, b]
                window: {length: 800ms, hop: 400ms}
                model: {name: tiny-ae}
                """);

        send("plant/p1/data", "{\"ts\": 1000, \"a\": 0.1, \"b\": 1}");

        assertThat(reasons()).isEmpty();
        assertThat(readings()).containsExactly(reading("p1", 1000, 0.1f, 1f));
    }

    // ---- helpers ----

    private void open(String yaml) throws Exception {
        PipelineSpec spec = TestPipelines.parse(yaml);
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new ReadingDecoder(spec)));
        harness.open();
    }

    private void send(String topic, String payload) throws Exception {
        harness.processElement(
                new InboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), ARRIVED),
                ARRIVED);
    }

    private List<Decoded> readings() {
        return harness.extractOutputValues().stream()
                .map(r -> reading(r.asset(), r.timestamp(), r.values()))
                .toList();
    }

    private List<OutboundMessage> deadLetters() {
        var records = harness.getSideOutput(ReadingDecoder.DEAD_LETTERS);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    private List<String> reasons() throws IOException {
        List<String> reasons = new ArrayList<>();
        for (OutboundMessage letter : deadLetters()) {
            reasons.add(JSON.readTree(letter.payload()).get("reason").asText());
        }
        return reasons;
    }

    private static Decoded reading(String asset, long timestamp, float... values) {
        List<Float> boxed = new ArrayList<>();
        for (float v : values) {
            boxed.add(v);
        }
        return new Decoded(asset, timestamp, boxed);
    }

    /** A reading with boxed values, which compare NaN equal to NaN. */
    private record Decoded(String asset, long timestamp, List<Float> values) {}
}
