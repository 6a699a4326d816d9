package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonReadingDecoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private OneInputStreamOperatorTestHarness<InboundMessage, Reading> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new JsonReadingDecoder(TestPipelines.tiny(""))));
        harness.open();
    }

    private void send(String topic, String payload) throws Exception {
        harness.processElement(
                new InboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 42L), 0L);
    }

    private List<JsonNode> deadLetters() throws Exception {
        var records = harness.getSideOutput(JsonReadingDecoder.DEAD_LETTERS);
        if (records == null) {
            return List.of();
        }
        List<JsonNode> letters = new java.util.ArrayList<>();
        for (StreamRecord<OutboundMessage> r : records) {
            assertThat(r.getValue().destination()).isEqualTo(OutboundMessage.Destination.PLANT);
            assertThat(r.getValue().topic()).isEqualTo("vigil/dead-letter/tiny");
            letters.add(JSON.readTree(r.getValue().payload()));
        }
        return letters;
    }

    @Test
    void decodesAssetFromTheTopicAndChannelsInModelOrder() throws Exception {
        send(
                "plant/p7/data",
                "{\"b\": 2.5, \"ts\": 1700000000123, \"extra\": {\"x\": [1]}, \"a\": -1}");
        List<Reading> readings = harness.extractOutputValues();
        assertThat(readings).hasSize(1);
        assertThat(readings.get(0).asset()).isEqualTo("p7");
        assertThat(readings.get(0).timestamp()).isEqualTo(1_700_000_000_123L);
        assertThat(readings.get(0).values()).containsExactly(-1f, 2.5f);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void ignoresTopicsOfOtherPipelines() throws Exception {
        send("plant/p7/status", "not for us");
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not JSON          | hello                                  | not valid JSON at byte 5: Unrecognized token 'hello': was expecting (JSON String, Number (or 'NaN'/'+INF'/'-INF'), Array, Object or token 'null', 'true' or 'false')",
                "not an object     | [1, 2]                                 | expected a JSON object with fields 'ts', a, b",
                "missing field     | {\"ts\": 1, \"a\": 1}                 | missing field 'b'",
                "missing time      | {\"a\": 1, \"b\": 2}                  | missing field 'ts' (event time, epoch-millis)",
                "wrong type        | {\"ts\": 1, \"a\": \"high\", \"b\": 2} | field 'a' must be a number, found the text 'high'",
                "null value        | {\"ts\": 1, \"a\": null, \"b\": 2}    | field 'a' must be a number, found null",
                "NaN               | {\"ts\": 1, \"a\": NaN, \"b\": 2}     | field 'a' must be a finite number, found NaN",
                "trailing garbage  | {\"ts\": 1, \"a\": 1, \"b\": 2} x     | not valid JSON at byte 27: Unrecognized token 'x': was expecting (JSON String, Number (or 'NaN'/'+INF'/'-INF'), Array, Object or token 'null', 'true' or 'false')",
                "truncated         | {\"ts\": 1, \"a\": 1,                 | not valid JSON at byte 17: Unexpected end-of-input within/between Object entries",
            })
    void malformedPayloadsBecomeDeadLettersWithTheReason(String kind, String payload, String reason)
            throws Exception {
        send("plant/p7/data", payload);
        assertThat(harness.extractOutputValues()).isEmpty();
        List<JsonNode> letters = deadLetters();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).path("reason").asText()).isEqualTo(reason);
        assertThat(letters.get(0).path("payload").asText()).isEqualTo(payload);
        assertThat(letters.get(0).path("topic").asText()).isEqualTo("plant/p7/data");
        assertThat(letters.get(0).path("pipeline").asText()).isEqualTo("tiny");
    }

    @Test
    void binaryPayloadIsKeptAsBase64() throws Exception {
        harness.processElement(
                new InboundMessage("plant/p7/data", new byte[] {(byte) 0xff, 0, 1}, 1L), 0L);
        assertThat(deadLetters().get(0).path("payloadBase64").asText()).isEqualTo("/wAB");
    }

    @Test
    void aGoodMessageAfterBadOnesStillDecodes() throws Exception {
        send("plant/p7/data", "garbage");
        send("plant/p7/data", "{\"ts\": 5, \"a\": 1, \"b\": 2}");
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(deadLetters()).hasSize(1);
    }
}
