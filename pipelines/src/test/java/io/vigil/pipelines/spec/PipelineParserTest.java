package io.vigil.pipelines.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per kind of mistake, each pinning the exact position and message. */
class PipelineParserTest {

    /** A valid pipeline for the tiny test model (8 rows of 100 ms, channels a and b). */
    private static final String VALID =
            """
            name: tiny
            source:
              topics:
                - plant/+/data
              asset:
                topic-segment: 1
              channels: [b, a]
            window:
              length: 800ms
              hop: 200ms
            model:
              name: tiny-ae
            """;

    private static PipelineSpec parse(String yaml) {
        return PipelineParser.parse("p.yaml", yaml, Path.of("."));
    }

    private static List<SpecError> errors(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> parse(yaml)).errors();
    }

    private static String only(String yaml) {
        List<SpecError> errors = errors(yaml);
        assertThat(errors).hasSize(1);
        return errors.get(0).toString();
    }

    @Test
    void validPipelineGetsDefaultsAndModelOrder() {
        PipelineSpec spec = parse(VALID);
        assertThat(spec.name()).isEqualTo("tiny");
        assertThat(spec.source().assetSegment()).isEqualTo(1);
        assertThat(spec.source().timestampField()).isEqualTo("ts");
        assertThat(spec.source().timestampFormat())
                .isEqualTo(PipelineSpec.TimestampFormat.EPOCH_MILLIS);
        // Written as [b, a]; the tensor follows the model card's order.
        assertThat(spec.source().channels())
                .extracting(PipelineSpec.Channel::name)
                .containsExactly("a", "b");
        assertThat(spec.window().rows()).isEqualTo(8);
        assertThat(spec.window().samplePeriod()).isEqualTo(Duration.ofMillis(100));
        assertThat(spec.model().threshold()).isEqualTo(1.0);
        assertThat(spec.model().batchSize()).isEqualTo(32);
        assertThat(spec.output().anomalyTopic()).isEqualTo("results/{pipeline}/{asset}/anomaly");
        assertThat(spec.output().qos()).isEqualTo(1);
    }

    @Test
    void unknownKeyNamesTheAllowedKeysAndTheLikelyOne() {
        List<SpecError> errors = errors(VALID.replace("window:", "widow:"));
        assertThat(errors.get(0).toString())
                .isEqualTo(
                        "p.yaml:8:1: widow: unknown key 'widow' at the top level; allowed keys: [name, source, time,"
                                + " window, model, detect, output]. Did you mean 'window'?");
        // The block it should have been is missing too, and said so.
        assertThat(errors.get(1).toString())
                .startsWith("p.yaml:1:1: window: missing required key 'window'");
        assertThat(errors).hasSize(2);
    }

    @Test
    void wrongType() {
        assertThat(only(VALID + "  batch-size: many\n"))
                .isEqualTo("p.yaml:13:15: model.batch-size: expected an integer, found 'many'");
    }

    @Test
    void missingRequiredKey() {
        assertThat(only(VALID.replace("  hop: 200ms\n", "")))
                .isEqualTo(
                        "p.yaml:9:3: window.hop: missing required key 'hop' (How often a window is scored.)");
    }

    @Test
    void badDuration() {
        assertThat(only(VALID.replace("hop: 200ms", "hop: 1 sec")))
                .isEqualTo(
                        "p.yaml:10:8: window.hop: expected a duration such as '500ms', '2s', '1.5m' or '1h', found '1 sec'");
    }

    @Test
    void badTopicFilter() {
        assertThat(only(VALID.replace("plant/+/data", "plant/#/data")))
                .isEqualTo(
                        "p.yaml:4:7: source.topics: '#' must be a whole level and the last one, found 'plant/#/data'");
    }

    @Test
    void windowThatDoesNotMatchTheModelInput() {
        assertThat(only(VALID.replace("length: 800ms", "length: 1s")))
                .isEqualTo(
                        "p.yaml:9:11: window.length: model 'tiny-ae' takes windows of 8 samples of 100ms, so"
                                + " window.length must be 800ms, found 1000ms");
    }

    @Test
    void channelsThatDoNotMatchTheModel() {
        assertThat(only(VALID.replace("[b, a]", "[a, c]")))
                .isEqualTo(
                        "p.yaml:7:13: source.channels: model 'tiny-ae' takes channels [a, b]; missing [b]; unknown to the model [c]");
    }

    @Test
    void unknownModel() {
        assertThat(only(VALID.replace("name: tiny-ae", "name: tiny-ea")))
                .startsWith(
                        "p.yaml:12:9: model.name: Unknown model 'tiny-ea': no shipped model of that name; shipped models are [");
    }

    @Test
    void invalidYamlSyntax() {
        assertThat(only(VALID.replace("  hop: 200ms", "   hop: 200ms")))
                .startsWith("p.yaml:10:7: not valid YAML: ");
    }

    @Test
    void duplicateKey() {
        assertThat(only(VALID + "name: other\n"))
                .isEqualTo("p.yaml:13:1: name: duplicate key 'name', first given on line 1");
    }

    @Test
    void listWrittenWithoutDashes() {
        assertThat(only(VALID.replace("    - plant/+/data", "    plant/+/data")))
                .isEqualTo(
                        "p.yaml:4:5: source.topics: expected a list, found 'plant/+/data'. Perhaps you missed a dash"
                                + " prefix '-' before each item?");
    }

    @Test
    void zeroOrNegativeSizes() {
        assertThat(only(VALID + "  batch-size: 0\n"))
                .isEqualTo(
                        "p.yaml:13:15: model.batch-size: expected an integer from 1 to 4096, found 0");
        assertThat(only(VALID.replace("hop: 200ms", "hop: 0ms")))
                .isEqualTo(
                        "p.yaml:10:8: window.hop: expected a positive whole number of milliseconds, found '0ms'");
    }

    @Test
    void assetSegmentBeyondTheTopic() {
        assertThat(only(VALID.replace("topic-segment: 1", "topic-segment: 3")))
                .isEqualTo(
                        "p.yaml:6:20: source.asset.topic-segment: topic 'plant/+/data' has only 3 levels (0 to 2), found 3");
    }

    @Test
    void badResultTopicTemplate() {
        assertThat(only(VALID + "output:\n  anomaly-topic: results/{site}/{asset}\n"))
                .isEqualTo(
                        "p.yaml:14:18: output.anomaly-topic: only {pipeline} and {asset} may be used in a topic, found 'results/{site}/{asset}'");
    }

    @Test
    void everyMistakeIsReportedNotOnlyTheFirst() {
        List<SpecError> errors =
                errors(
                        VALID.replace("hop: 200ms", "hop: soon")
                                .replace("name: tiny\n", "name: Tiny\n")
                                .replace("topic-segment: 1", "topic-segment: x"));
        assertThat(errors)
                .extracting(SpecError::path)
                .containsExactly("name", "source.asset.topic-segment", "window.hop");
        assertThat(errors).extracting(SpecError::line).containsExactly(1, 6, 10);
    }

    @Test
    void emptyFile() {
        assertThat(only(""))
                .isEqualTo(
                        "p.yaml:1:1: expected a block of keys [name, source, time, window, model, detect, output], found an empty file");
    }
}
