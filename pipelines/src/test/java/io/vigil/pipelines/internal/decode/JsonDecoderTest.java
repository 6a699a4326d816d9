package io.vigil.pipelines.internal.decode;

import static io.vigil.pipelines.internal.decode.RecordedReadings.readingOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.internal.decode.RecordedReadings.Reading;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * JSON payloads decoded for pipelines on the tiny test model (channels a and b), each built from
 * the YAML of its {@code source} block.
 */
class JsonDecoderTest {

    private static final float NaN = Float.NaN;
    private static final long ARRIVED = 1_800_000_000_000L;

    private final RecordedReadings out = new RecordedReadings();

    @Test
    void readsOneObjectWithOneFieldPerChannel() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decode(decoder, "plant/p1/data", "{\"ts\": 1700000000123, \"a\": 1.5, \"b\": -2}");

        assertThat(out.readings).containsExactly(readingOf("p1", 1_700_000_000_123L, 1.5f, -2f));
        assertThat(out.rejects).isEmpty();
        assertThat(out.unused).isZero();
    }

    @Test
    void numbersAreReadAsTheJdkReadsThem() {
        // Jackson's fast number parser must round exactly as Double.parseDouble: digits past
        // double precision, the edges of the float range, exponents, a float's halfway case.
        String[] texts = {
            "0.1",
            "-2.5e-3",
            "16777217",
            "3.4028235e38",
            "1.17549435E-38",
            "1e-50",
            "0.30000000000000004441",
            "123456.789012345678901234567890",
            "-0.0",
            "7E+2"
        };
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");
        for (String text : texts) {
            decode(decoder, "plant/p1/data", "{\"ts\": 1, \"a\": " + text + ", \"b\": 0}");
        }

        assertThat(out.rejects).isEmpty();
        assertThat(out.readings).hasSize(texts.length);
        for (int i = 0; i < texts.length; i++) {
            assertThat(out.readings.get(i).values().get(0))
                    .as(texts[i])
                    .isEqualTo((float) Double.parseDouble(texts[i]));
        }
    }

    @Test
    void readsAnArrayOfReadingsItemByItem() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decode(
                decoder,
                "plant/p1/data",
                "[{\"ts\": 1000, \"a\": 1, \"b\": 2}, {\"ts\": 1100, \"a\": 3, \"b\": 4}]");

        assertThat(out.readings)
                .containsExactly(readingOf("p1", 1000, 1f, 2f), readingOf("p1", 1100, 3f, 4f));
        assertThat(out.rejects).isEmpty();
    }

    @Test
    void readsRecordsAtAPointerWithTheAssetAndFieldsAtPointers() {
        JsonDecoder decoder =
                decoder(
                        """
                        topics: [plant/gateway-1/batch]
                        records: /readings
                        asset: /device/id
                        timestamp: {field: /time/ms}
                        channels:
                          - {name: a, field: /values/vib}
                          - {name: b, field: /values/p}
                        """);

        decode(
                decoder,
                "plant/gateway-1/batch",
                """
                {"gateway": "gw-1", "readings": [
                  {"device": {"id": "pump-7"}, "time": {"ms": 5000},
                   "values": {"vib": 0.5, "p": 3}},
                  {"device": {"id": "pump-8"}, "time": {"ms": 5100},
                   "values": {"vib": 0.25, "p": 4}}
                ]}
                """);

        assertThat(out.readings)
                .containsExactly(
                        readingOf("pump-7", 5000, 0.5f, 3f), readingOf("pump-8", 5100, 0.25f, 4f));
        assertThat(out.rejects).isEmpty();
    }

    @Test
    void rejectsAMessageWithoutAnArrayAtTheRecordsPointer() {
        JsonDecoder decoder =
                decoder(
                        "topics: [plant/gateway-1/batch]\nrecords: /readings\n"
                                + "asset: /device\nchannels: [a, b]");

        decode(decoder, "plant/gateway-1/batch", "{\"readings\": {\"ts\": 1}}");
        decode(decoder, "plant/gateway-1/batch", "{\"rows\": []}");

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects)
                .containsExactly(
                        "expected an array of readings at '/readings', found an object",
                        "expected an array of readings at '/readings', found nothing");
    }

    @Test
    void rejectsARecordWithoutItsAssetId() {
        JsonDecoder decoder =
                decoder("topics: [plant/gateway-1/batch]\nasset: /device\nchannels: [a, b]");

        decode(decoder, "plant/gateway-1/batch", "{\"ts\": 1, \"a\": 1, \"b\": 2}");
        decode(
                decoder,
                "plant/gateway-1/batch",
                "{\"device\": \"\", \"ts\": 1, \"a\": 1, \"b\": 2}");
        decode(decoder, "plant/gateway-1/batch", "{\"device\": {}, \"ts\": 1, \"a\": 1, \"b\": 2}");

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects)
                .containsExactly(
                        "expected the asset id at '/device', found nothing",
                        "expected the asset id at '/device', found the text ''",
                        "expected the asset id at '/device', found an object");
    }

    @Test
    void anExplicitNullIsAChannelNotInThisReading() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"a\": null, \"b\": 7}");

        assertThat(out.readings).containsExactly(readingOf("p1", 1000, NaN, 7f));
        assertThat(out.rejects).isEmpty();
    }

    @Test
    void aMissingFieldIsRejectedWithItsName() {
        JsonDecoder decoder =
                decoder(
                        "topics: ['plant/{asset}/data']\n"
                                + "channels: [a, {name: b, field: /values/b}]");

        decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"a\": 1}");
        decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"values\": {\"b\": 1}}");

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects).containsExactly("missing field '/values/b'", "missing field 'a'");
    }

    @Test
    void aValueThatIsNotANumberIsRejected() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"a\": \"high\", \"b\": 1}");
        decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"a\": 1, \"b\": [1, 2]}");
        decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"a\": 1, \"b\": {\"v\": 1}}");

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects)
                .containsExactly(
                        "field 'a' must be a number, found the text 'high'",
                        "field 'b' must be a number, found an array",
                        "field 'b' must be a number, found an object");
    }

    @Test
    void nanAndInfinityAreRejected() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"a\": NaN, \"b\": 1}");
        decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"a\": 1, \"b\": Infinity}");
        decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"a\": -Infinity, \"b\": 1}");

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects)
                .containsExactly(
                        "field 'a' must be a finite number, found NaN",
                        "field 'b' must be a finite number, found Infinity",
                        "field 'a' must be a finite number, found -Infinity");
    }

    @Test
    void booleansReadAsOneAndZero() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"a\": true, \"b\": false}");

        assertThat(out.readings).containsExactly(readingOf("p1", 1000, 1f, 0f));
    }

    @Test
    void aPayloadThatIsNotJsonIsRejectedWithWhereItBreaks() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"a\": }");
        decode(decoder, "plant/p1/data", "");

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects).hasSize(2);
        // '}' is byte 18 (0-based), where a value was expected.
        assertThat(out.rejects.get(0))
                .isEqualTo(
                        "not valid JSON at byte 18: Unexpected character ('}' (code 125)):"
                                + " expected a value");
        assertThat(out.rejects.get(1)).isEqualTo("empty payload");
    }

    @Test
    void contentAfterTheFirstJsonValueIsNotDroppedSilently() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decode(
                decoder,
                "plant/p1/data",
                "{\"ts\": 1000, \"a\": 1, \"b\": 2}\n{\"ts\": 1100, \"a\": 3, \"b\": 4}");

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects).singleElement().asString().startsWith("not valid JSON at byte");
    }

    @Test
    void aPayloadReadAsUtf16StillSaysWhereItBreaks() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decoder.decode(
                new InboundMessage("plant/p1/data", new byte[] {(byte) 0xff, 0x00}, ARRIVED), out);

        assertThat(out.rejects)
                .singleElement()
                .asString()
                .startsWith("not valid JSON at ")
                .doesNotContain("at byte -1");
    }

    @Test
    void oneBadRecordOfABatchRejectsOnlyThatRecord() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decode(
                decoder,
                "plant/p1/data",
                """
                [{"ts": 1000, "a": 1, "b": 2},
                 {"ts": 1100, "a": "x", "b": 2},
                 {"ts": 1200, "a": 3, "b": 4},
                 42]
                """);

        assertThat(out.readings)
                .containsExactly(readingOf("p1", 1000, 1f, 2f), readingOf("p1", 1200, 3f, 4f));
        assertThat(out.rejects)
                .containsExactly(
                        "record 1: field 'a' must be a number, found the text 'x'",
                        "record 3: expected a JSON object, found 42");
    }

    @Test
    void readsEpochMillisAndRejectsABadOne() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decode(decoder, "plant/p1/data", "{\"a\": 1, \"b\": 2}");
        decode(decoder, "plant/p1/data", "{\"ts\": \"1000\", \"a\": 1, \"b\": 2}");
        decode(decoder, "plant/p1/data", "{\"ts\": -5, \"a\": 1, \"b\": 2}");

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects)
                .containsExactly(
                        "missing field 'ts' (event time, epoch-millis)",
                        "field 'ts' must be a number (epoch-millis), found the text '1000'",
                        "field 'ts' must be a non-negative finite number, found -5.0");
    }

    @Test
    void readsEpochSecondsWithAFraction() {
        JsonDecoder decoder =
                decoder(
                        "topics: ['plant/{asset}/data']\n"
                                + "timestamp: {field: t, format: epoch-seconds}\n"
                                + "channels: [a, b]");

        decode(decoder, "plant/p1/data", "{\"t\": 1700000000.25, \"a\": 1, \"b\": 2}");
        decode(decoder, "plant/p1/data", "{\"t\": 1700000001.123, \"a\": 1, \"b\": 2}");
        decode(decoder, "plant/p1/data", "{\"t\": 1700000002, \"a\": 1, \"b\": 2}");

        assertThat(out.readings)
                .extracting(Reading::timestamp)
                .containsExactly(1_700_000_000_250L, 1_700_000_001_123L, 1_700_000_002_000L);
    }

    @Test
    void readsEpochMicros() {
        JsonDecoder decoder =
                decoder(
                        "topics: ['plant/{asset}/data']\ntimestamp: {format: epoch-micros}"
                                + "\nchannels: [a, b]");

        decode(decoder, "plant/p1/data", "{\"ts\": 1700000000123456, \"a\": 1, \"b\": 2}");

        assertThat(out.readings).containsExactly(readingOf("p1", 1_700_000_000_123L, 1f, 2f));
    }

    @Test
    void readsIso8601AndRejectsTextThatIsNotAnInstant() {
        JsonDecoder decoder =
                decoder(
                        "topics: ['plant/{asset}/data']\ntimestamp: {format: iso-8601}"
                                + "\nchannels: [a, b]");

        decode(
                decoder,
                "plant/p1/data",
                "{\"ts\": \"2026-11-22T10:15:30.250Z\", \"a\": 1, \"b\": 2}");
        decode(
                decoder,
                "plant/p1/data",
                "{\"ts\": \"2026-11-22T11:15:30+01:00\", \"a\": 1, \"b\": 2}");
        decode(decoder, "plant/p1/data", "{\"ts\": \"yesterday\", \"a\": 1, \"b\": 2}");
        decode(decoder, "plant/p1/data", "{\"ts\": 1700000000000, \"a\": 1, \"b\": 2}");

        // 2026-11-22T10:15:30.250Z is 1 795 342 530 250 ms after the epoch.
        assertThat(out.readings)
                .containsExactly(
                        readingOf("p1", 1_795_342_530_250L, 1f, 2f),
                        readingOf("p1", 1_795_342_530_000L, 1f, 2f));
        assertThat(out.rejects)
                .containsExactly(
                        "field 'ts' is not an ISO-8601 instant such as 2026-11-22T10:15:30.250Z:"
                                + " 'yesterday'",
                        "field 'ts' must be an ISO-8601 text, found 1700000000000");
    }

    @Test
    void arrivalTimeIsWhenTheMessageWasReceived() {
        JsonDecoder decoder =
                decoder(
                        "topics: ['plant/{asset}/data']\ntimestamp: {format: arrival}"
                                + "\nchannels: [a, b]");

        decode(decoder, "plant/p1/data", "{\"a\": 1, \"b\": 2}");
        decode(decoder, "plant/p1/data", "{\"ts\": \"whenever\", \"a\": 3, \"b\": 4}");

        assertThat(out.readings)
                .containsExactly(
                        readingOf("p1", ARRIVED, 1f, 2f), readingOf("p1", ARRIVED, 3f, 4f));
        assertThat(out.rejects).isEmpty();
    }

    @Test
    void readsOneChannelPerReadingNamedByTheTopic() {
        JsonDecoder decoder =
                decoder(
                        """
                        topics: ['plant/{line}/{asset}/{channel}']
                        value: v
                        channels: [a, {name: b, field: pressure}]
                        """);

        decode(decoder, "plant/l1/p1/pressure", "{\"ts\": 1000, \"v\": 2.5}");
        decode(decoder, "plant/l1/p1/a", "{\"ts\": 1100, \"v\": -1}");
        decode(decoder, "plant/l1/p1/a", "{\"ts\": 1200}");

        assertThat(out.readings)
                .containsExactly(readingOf("p1", 1000, NaN, 2.5f), readingOf("p1", 1100, -1f, NaN));
        assertThat(out.rejects).containsExactly("missing field 'v'");
        assertThat(out.unused).isZero();
    }

    @Test
    void readsOneChannelPerReadingNamedByThePayload() {
        JsonDecoder decoder =
                decoder(
                        """
                        topics: ['plant/{asset}/data']
                        channel: /sensor/name
                        value: /sensor/value
                        channels: [{name: a, field: vib}, b]
                        """);

        decode(
                decoder,
                "plant/p1/data",
                "{\"ts\": 1000, \"sensor\": {\"name\": \"vib\", \"value\": 4}}");
        decode(
                decoder,
                "plant/p1/data",
                "{\"ts\": 1100, \"sensor\": {\"name\": \"b\", \"value\": 5}}");
        decode(decoder, "plant/p1/data", "{\"ts\": 1200, \"sensor\": {\"value\": 6}}");

        assertThat(out.readings)
                .containsExactly(readingOf("p1", 1000, 4f, NaN), readingOf("p1", 1100, NaN, 5f));
        assertThat(out.rejects)
                .containsExactly("expected the channel name at '/sensor/name', found nothing");
    }

    @Test
    void aChannelIdNoChannelUsesIsCountedAsUnused() {
        JsonDecoder byTopic = decoder("topics: ['plant/{asset}/{channel}']\nchannels: [a, b]");
        JsonDecoder byPayload =
                decoder("topics: ['plant/{asset}/data']\nchannel: /ch\nchannels: [a, b]");

        decode(byTopic, "plant/p1/temperature", "{\"ts\": 1000, \"value\": 20}");
        decode(byPayload, "plant/p1/data", "{\"ts\": 1000, \"ch\": \"c\", \"value\": 20}");

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects).isEmpty();
        assertThat(out.unused).isEqualTo(2);
    }

    @Test
    void topicsThatMixOneChannelAndOneFieldPerChannelAreRejectedByTheParser() {
        assertThatThrownBy(
                        () ->
                                decoder(
                                        "topics: ['plant/{asset}/data', 'plant/{asset}/sensors/{channel}']"
                                                + "\nchannels: [a, b]"))
                .isInstanceOf(io.vigil.pipelines.spec.ConfigException.class)
                .hasMessageContaining(
                        "source.topics: either every topic names its {channel} (one channel per reading)"
                                + " or none does");
    }

    @Test
    void aOneChannelReadingWithoutItsChannelNameIsRejectedNotThrown() {
        JsonDecoder decoder =
                decoder("topics: ['plant/{asset}/data']\nchannel: /sensor\nchannels: [a, b]");

        assertThatCode(() -> decode(decoder, "plant/p1/data", "{\"ts\": 1000, \"value\": 1}"))
                .doesNotThrowAnyException();
        assertThat(out.readings).isEmpty();
        assertThat(out.rejects)
                .containsExactly("expected the channel name at '/sensor', found nothing");
    }

    // ---- helpers ----

    /** A decoder for a pipeline whose source block is {@code source} (unindented YAML). */
    @Test
    void theStreamingAndTreeReadersAgreeOnEveryPayload() {
        // Plain top-level names take the streaming reader; the same fields written as pointers
        // take the tree reader. Each payload must give both the same readings and reasons.
        JsonDecoder streaming = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");
        JsonDecoder tree =
                decoder(
                        """
                        topics: ['plant/{asset}/data']
                        timestamp: {field: /ts}
                        channels: [{name: a, field: /a}, {name: b, field: /b}]
                        """);
        String[] payloads = {
            "{\"ts\": 1000, \"a\": 1.25, \"b\": -2}",
            "{\"b\": 3e2, \"extra\": {\"x\": [1, 2]}, \"a\": true, \"ts\": 1000.7}",
            "{\"ts\": 1000, \"a\": null, \"b\": 1, \"a\": 4}",
            "[{\"ts\": 1, \"a\": 1, \"b\": 2}, {\"ts\": 2, \"a\": \"x\", \"b\": 2}]",
            "[{\"ts\": 1, \"a\": 1, \"b\": 2}, 7, {\"ts\": 3, \"b\": 2}]",
            "{\"ts\": -5, \"a\": 1, \"b\": 2}",
            "{\"ts\": \"soon\", \"a\": 1, \"b\": 2}",
            "{\"ts\": 1, \"a\": NaN, \"b\": 2}",
            "{\"ts\": 1, \"a\": 1, \"b\": 2} {\"ts\": 2}",
            "{\"ts\": 1, \"a\": 1, \"b\": 2",
            "[]",
            "42",
        };
        for (String payload : payloads) {
            RecordedReadings fromStreaming = new RecordedReadings();
            RecordedReadings fromTree = new RecordedReadings();
            streaming.decode(message(payload), fromStreaming);
            tree.decode(message(payload), fromTree);
            assertThat(fromStreaming.readings).as(payload).isEqualTo(fromTree.readings);
            // The tree decoder names its fields as written, with the pointer's slash.
            assertThat(fromStreaming.rejects)
                    .as(payload)
                    .isEqualTo(fromTree.rejects.stream().map(r -> r.replace("'/", "'")).toList());
        }
        assertThat(streaming.streamsFlatRecords()).isTrue();
        assertThat(tree.streamsFlatRecords()).isFalse();
    }

    @Test
    void anArrayWithABadRecordPassesEachGoodReadingOnce() {
        JsonDecoder decoder = decoder("topics: ['plant/{asset}/data']\nchannels: [a, b]");

        decode(
                decoder,
                "plant/p1/data",
                "[{\"ts\": 1, \"a\": 1, \"b\": 2}, {\"ts\": 2, \"a\": 1}]");

        assertThat(out.readings).containsExactly(readingOf("p1", 1, 1f, 2f));
        assertThat(out.rejects).containsExactly("record 1: missing field 'b'");
    }

    private static InboundMessage message(String payload) {
        return new InboundMessage(
                "plant/p1/data", payload.getBytes(StandardCharsets.UTF_8), ARRIVED);
    }

    private static JsonDecoder decoder(String source) {
        String yaml =
                "name: dec\nsource:\n"
                        + source.indent(2)
                        + "window: {length: 800ms, hop: 400ms}\nmodel: {name: tiny-ae}\n";
        PipelineSpec spec = PipelineParser.parse("t.yaml", yaml, Path.of("."));
        return new JsonDecoder(spec.source());
    }

    private void decode(JsonDecoder decoder, String topic, String payload) {
        decoder.decode(
                new InboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), ARRIVED), out);
    }
}
