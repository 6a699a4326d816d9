package io.vigil.pipelines.internal.decode;

import static io.vigil.pipelines.internal.decode.RecordedReadings.readingOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * CSV payloads decoded for pipelines on the tiny test model (channels a and b), each built from the
 * YAML of its {@code source} block.
 */
class CsvDecoderTest {

    private static final float NaN = Float.NaN;
    private static final long ARRIVED = 1_800_000_000_000L;

    private final RecordedReadings out = new RecordedReadings();

    @Test
    void readsOneReadingPerLine() {
        CsvDecoder decoder = decoder("csv: {columns: [ts, a, b]}");

        decode(decoder, "plant/p1/csv", "1000,1.5,-2\n1100,3,4\r\n1200,5,6\n");

        assertThat(out.readings)
                .containsExactly(
                        readingOf("p1", 1000, 1.5f, -2f),
                        readingOf("p1", 1100, 3f, 4f),
                        readingOf("p1", 1200, 5f, 6f));
        assertThat(out.rejects).isEmpty();
        assertThat(out.unused).isZero();
    }

    @Test
    void skipsTheHeaderLine() {
        CsvDecoder decoder = decoder("csv: {columns: [ts, a, b], header: true}");

        decode(decoder, "plant/p1/csv", "ts,a,b\n1000,1,2\n1100,3,4");

        assertThat(out.readings)
                .containsExactly(readingOf("p1", 1000, 1f, 2f), readingOf("p1", 1100, 3f, 4f));
        assertThat(out.rejects).isEmpty();
    }

    @Test
    void readsColumnsByNameWhateverTheirOrder() {
        CsvDecoder decoder =
                decoder(
                        """
                        csv: {columns: [pressure, time, vib]}
                        timestamp: {field: time}
                        channels: [{name: a, field: vib}, {name: b, field: pressure}]
                        """);

        decode(decoder, "plant/p1/csv", "7,1000,0.5");

        assertThat(out.readings).containsExactly(readingOf("p1", 1000, 0.5f, 7f));
    }

    @Test
    void splitsAtTheDelimiter() {
        CsvDecoder decoder =
                decoder(
                        "csv: {columns: [ts, a, b], delimiter: ';', header: true}\n"
                                + "timestamp: {format: epoch-seconds}");

        decode(decoder, "plant/p1/csv", "ts;a;b\n1700000000.5;1.25;2\n1700000001;3;4");

        assertThat(out.readings)
                .containsExactly(
                        readingOf("p1", 1_700_000_000_500L, 1.25f, 2f),
                        readingOf("p1", 1_700_000_001_000L, 3f, 4f));
        assertThat(out.rejects).isEmpty();
    }

    @Test
    void aLineWithTheWrongNumberOfValuesIsRejectedWithItsNumber() {
        CsvDecoder decoder = decoder("csv: {columns: [ts, a, b], header: true}");

        decode(decoder, "plant/p1/csv", "ts,a,b\n1000,1,2\n1100,3\n1200,5,6,7\n1300,8,9");

        assertThat(out.readings)
                .containsExactly(readingOf("p1", 1000, 1f, 2f), readingOf("p1", 1300, 8f, 9f));
        assertThat(out.rejects)
                .containsExactly(
                        "line 3: expected 3 values [ts, a, b], found 2: '1100,3'",
                        "line 4: expected 3 values [ts, a, b], found 4: '1200,5,6,7'");
    }

    @Test
    void aCellThatIsNotANumberIsRejected() {
        CsvDecoder decoder = decoder("csv: {columns: [ts, a, b]}");

        decode(decoder, "plant/p1/csv", "1000,high,2\n1100,3,NaN\n1200,Infinity,4\nsoon,1,2");

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects)
                .containsExactly(
                        "line 1: column 'a' must be a number, found 'high'",
                        "line 2: column 'b' must be a finite number, found 'NaN'",
                        "line 3: column 'a' must be a finite number, found 'Infinity'",
                        "line 4: field 'ts' must be a number (epoch-millis), found 'soon'");
    }

    @Test
    void anEmptyCellIsAChannelNotInThisReading() {
        CsvDecoder decoder = decoder("csv: {columns: [ts, a, b]}");

        decode(decoder, "plant/p1/csv", "1000,,2\n1100,3, ");

        assertThat(out.readings)
                .containsExactly(readingOf("p1", 1000, NaN, 2f), readingOf("p1", 1100, 3f, NaN));
        assertThat(out.rejects).isEmpty();
    }

    @Test
    void blankLinesAreSkippedButCountInLineNumbers() {
        CsvDecoder decoder = decoder("csv: {columns: [ts, a, b]}");

        decode(decoder, "plant/p1/csv", "1000,1,2\n\n1100,x,2");

        assertThat(out.readings).containsExactly(readingOf("p1", 1000, 1f, 2f));
        assertThat(out.rejects).containsExactly("line 3: column 'a' must be a number, found 'x'");
    }

    @Test
    void readsIso8601AndArrivalTimes() {
        CsvDecoder iso = decoder("csv: {columns: [ts, a, b]}\ntimestamp: {format: iso-8601}");
        CsvDecoder arrival = decoder("csv: {columns: [a, b]}\ntimestamp: {format: arrival}");

        decode(iso, "plant/p1/csv", "2026-11-22T10:15:30.250Z,1,2\nnoon,1,2");
        decode(arrival, "plant/p2/csv", "3,4");

        assertThat(out.readings)
                .containsExactly(
                        readingOf("p1", 1_795_342_530_250L, 1f, 2f),
                        readingOf("p2", ARRIVED, 3f, 4f));
        assertThat(out.rejects)
                .containsExactly(
                        "line 2: field 'ts' is not an ISO-8601 instant such as"
                                + " 2026-11-22T10:15:30.250Z: 'noon'");
    }

    @Test
    void readsOneChannelPerMessageNamedByTheTopic() {
        CsvDecoder decoder =
                decoder(
                        "topics: ['plant/{asset}/{channel}']\n"
                                + "csv: {columns: [ts, v]}\nvalue: v\n"
                                + "channels: [a, {name: b, field: pressure}]");

        decode(decoder, "plant/p1/pressure", "1000,2.5\n1100,2.75");
        decode(decoder, "plant/p1/a", "1000,-1");
        decode(decoder, "plant/p1/temperature", "1000,20\n1100,21");

        assertThat(out.readings)
                .containsExactly(
                        readingOf("p1", 1000, NaN, 2.5f),
                        readingOf("p1", 1100, NaN, 2.75f),
                        readingOf("p1", 1000, -1f, NaN));
        assertThat(out.rejects).isEmpty();
        // A channel the pipeline does not take: the whole message is unused, counted once.
        assertThat(out.unused).isEqualTo(1);
    }

    // ---- helpers ----

    /**
     * A csv decoder for a pipeline whose source block is {@code source} (unindented YAML), by
     * default on topic 'plant/{asset}/csv' with channels [a, b].
     */
    private static CsvDecoder decoder(String source) {
        String block =
                "format: csv\n"
                        + (source.contains("topics:") ? "" : "topics: ['plant/{asset}/csv']\n")
                        + (source.contains("channels:") ? "" : "channels: [a, b]\n")
                        + source;
        String yaml =
                "name: dec\nsource:\n"
                        + block.indent(2)
                        + "window: {length: 800ms, hop: 400ms}\nmodel: {name: tiny-ae}\n";
        PipelineSpec spec = PipelineParser.parse("t.yaml", yaml, Path.of("."));
        return new CsvDecoder(spec.source());
    }

    private void decode(CsvDecoder decoder, String topic, String payload) {
        decoder.decode(
                new InboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), ARRIVED), out);
    }
}
