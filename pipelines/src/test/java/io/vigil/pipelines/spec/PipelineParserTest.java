package io.vigil.pipelines.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vigil.pipelines.spec.PipelineSpec.Channel;
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
                - plant/{line}/{asset}/data
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
        assertThat(spec.source().filters()).containsExactly("plant/+/+/data");
        assertThat(spec.source().topics().get(0).assetLevel()).isEqualTo(2);
        assertThat(spec.source().format()).isEqualTo(PipelineSpec.PayloadFormat.JSON);
        assertThat(spec.source().timestampField()).isEqualTo("ts");
        assertThat(spec.source().timestampFormat())
                .isEqualTo(PipelineSpec.TimestampFormat.EPOCH_MILLIS);
        // Written as [b, a]: read in that order, fed to the model in the card's order.
        assertThat(spec.source().inputs()).extracting(Channel::name).containsExactly("b", "a");
        assertThat(spec.source().columns()).extracting(Channel::name).containsExactly("a", "b");
        assertThat(spec.window().type()).isEqualTo(PipelineSpec.WindowType.SLIDING);
        assertThat(spec.window().rows()).isEqualTo(8);
        assertThat(spec.window().samplePeriod()).isEqualTo(Duration.ofMillis(100));
        assertThat(spec.window().resampling()).isEqualTo(Resampling.LAST);
        assertThat(spec.window().missing()).isEqualTo(MissingPolicy.FORWARD_FILL);
        assertThat(spec.window().maxGap()).isEqualTo(Duration.ofMillis(800));
        assertThat(spec.detect().threshold()).isEqualTo(1.0);
        assertThat(spec.detect().event()).isEqualTo("anomaly");
        assertThat(spec.detect().k()).isEqualTo(1);
        assertThat(spec.model().batchSize()).isEqualTo(32);
        assertThat(spec.output().events().topic()).isEqualTo("results/{pipeline}/{asset}/{type}");
        assertThat(spec.output().events().qos()).isEqualTo(1);
        assertThat(spec.output().health().retain()).isTrue();
        assertThat(spec.output().scores().enabled()).isFalse();
        assertThat(spec.time().allowedLateness()).isEqualTo(Duration.ZERO);
    }

    @Test
    void everyLanguageFeatureParses() {
        PipelineSpec spec =
                parse(
                        """
                        name: full
                        source:
                          topics: ['plant/{line}/{asset}/{channel}', 'site2/+/{asset}/{channel}']
                          format: csv
                          csv: {columns: [time, value], delimiter: ';', header: true}
                          timestamp: {field: time, format: iso-8601}
                          channels:
                            - {name: a, field: A, scale: 0.001, offset: -1, min: -5, max: 5}
                            - {name: b, derive: rolling-rms, from: a, samples: 4}
                        time: {max-out-of-orderness: 1s, idle-timeout: 5s, allowed-lateness: 500ms}
                        window:
                          type: tumbling
                          length: 800ms
                          resample: mean
                          missing: mask
                          min-coverage: 0.5
                        model: {name: tiny-ae}
                        detect:
                          calibrate: {windows: 50, initial-quantile: 0.95, risk: 0.01}
                          debounce: {k: 2, n: 3}
                          clear: 0.5
                          cooldown: 10s
                        output:
                          events: {rate-limit: 10/min, fields: [id, score, threshold]}
                          scores: {topic: 'debug/{pipeline}/{asset}', qos: 0}
                        """);
        assertThat(spec.source().oneChannelPerReading()).isTrue();
        assertThat(spec.source().csv().delimiter()).isEqualTo(';');
        assertThat(spec.source().inputs()).extracting(Channel::field).containsExactly("A");
        assertThat(spec.source().inputs().get(0).scale()).isEqualTo(0.001);
        assertThat(spec.source().columns().get(1).derivation()).isEqualTo(Derivation.ROLLING_RMS);
        assertThat(spec.window().hop()).isEqualTo(Duration.ofMillis(800));
        assertThat(spec.detect().calibration())
                .isEqualTo(new PipelineSpec.Calibration(50, 0.95, 0.01));
        assertThat(spec.detect().threshold()).isNaN();
        assertThat(spec.output().events().ratePerSecond()).isEqualTo(10.0 / 60);
        assertThat(spec.output().events().fields()).containsExactly("id", "score", "threshold");
        assertThat(spec.output().scores().qos()).isZero();
    }

    @Test
    void unknownKeyNamesTheAllowedKeysAndTheLikelyOne() {
        List<SpecError> errors = errors(VALID.replace("window:", "widow:"));
        assertThat(errors.get(0).toString())
                .isEqualTo(
                        "p.yaml:6:1: widow: unknown key 'widow' at the top level; allowed keys: [name, source, time,"
                                + " window, model, detect, output]. Did you mean 'window'?");
        // The block it should have been is missing too, and said so.
        assertThat(errors.get(1).toString())
                .startsWith("p.yaml:1:1: window: missing required key 'window'");
    }

    @Test
    void unknownKeyInsideAListItem() {
        assertThat(only(VALID.replace("[b, a]", "[b, {name: a, scael: 2}]")))
                .isEqualTo(
                        "p.yaml:5:27: source.channels.scael: unknown key 'scael' in 'source.channels'; allowed keys:"
                                + " [name, field, scale, offset, min, max, derive, from, samples]. Did you mean 'scale'?");
    }

    @Test
    void wrongType() {
        assertThat(only(VALID + "  batch-size: many\n"))
                .isEqualTo("p.yaml:11:15: model.batch-size: expected an integer, found 'many'");
    }

    @Test
    void missingRequiredKey() {
        assertThat(only(VALID.replace("  hop: 200ms\n", "")))
                .isEqualTo(
                        "p.yaml:7:3: window.hop: missing required key 'hop' for a sliding window (Time between two"
                                + " window ends (sliding; required there).)");
    }

    @Test
    void badDuration() {
        assertThat(only(VALID.replace("hop: 200ms", "hop: 1 sec")))
                .isEqualTo(
                        "p.yaml:8:8: window.hop: expected a duration such as '500ms', '2s', '1.5m' or '1h', found '1 sec'");
    }

    @Test
    void badTopicTemplate() {
        assertThat(only(VALID.replace("plant/{line}/{asset}/data", "plant/{line/{asset}/data")))
                .isEqualTo(
                        "p.yaml:4:7: source.topics: a named level must be a whole level like '{asset}' (lowercase"
                                + " letters, digits, '-'), found '{line' in 'plant/{line/{asset}/data'");
        assertThat(only(VALID.replace("plant/{line}/{asset}/data", "plant/#/{asset}")))
                .isEqualTo(
                        "p.yaml:4:7: source.topics: '#' must be a whole level and the last one, found 'plant/#/{asset}'");
    }

    @Test
    void noAssetAnywhere() {
        assertThat(only(VALID.replace("plant/{line}/{asset}/data", "plant/+/data")))
                .isEqualTo(
                        "p.yaml:4:5: source.topics: no asset id: put {asset} in the topic template (e.g."
                                + " 'plant/pumps/{asset}/telemetry') or set source.asset to a JSON Pointer, found 'plant/+/data'");
    }

    @Test
    void badJsonPointer() {
        assertThat(
                        only(
                                VALID.replace("plant/{line}/{asset}/data", "plant/data")
                                        .replace("  channels:", "  asset: meta/id\n  channels:")))
                .isEqualTo(
                        "p.yaml:5:10: source.asset: expected a JSON Pointer starting with '/', such as '/meta/asset',"
                                + " found 'meta/id'");
    }

    @Test
    void unknownPayloadFormat() {
        assertThat(only(VALID.replace("  channels:", "  format: jsno\n  channels:")))
                .isEqualTo(
                        "p.yaml:5:11: source.format: expected one of [json, csv, sparkplug-b], found 'jsno'. Did you"
                                + " mean 'json'?");
    }

    @Test
    void sparkplugTopicsLiveInTheirNamespace() {
        assertThat(only(VALID.replace("  channels:", "  format: sparkplug-b\n  channels:")))
                .isEqualTo(
                        "p.yaml:4:7: source.topics: Sparkplug B topics start with 'spBv1.0/' (spBv1.0/<group>/<message"
                                + " type>/<edge node>[/<device>]), found 'plant/{line}/{asset}/data'");
    }

    @Test
    void csvColumnsMustNameTheChannels() {
        assertThat(
                        only(
                                VALID.replace(
                                        "  channels:",
                                        "  format: csv\n  csv: {columns: [ts, a, c]}\n  channels:")))
                .isEqualTo(
                        "p.yaml:7:13: source.channels: channel 'b' reads the CSV column 'b', which is not among [ts, a, c]");
    }

    @Test
    void unknownModel() {
        assertThat(only(VALID.replace("name: tiny-ae", "name: tiny-ea")))
                .startsWith(
                        "p.yaml:10:9: model.name: Unknown model 'tiny-ea': no shipped model of that name; shipped models are [");
    }

    @Test
    void modelVariantTheCardDoesNotList() {
        assertThat(only(VALID.replace("name: tiny-ae", "name: tiny-ae\n  variant: int4")))
                .isEqualTo(
                        "p.yaml:11:12: model.variant: model 'tiny-ae' has no variant 'int4'; its variants are [fp32]");
        assertThat(parse(VALID).model().location().variant()).isEqualTo("fp32");
    }

    @Test
    void windowThatDoesNotMatchTheModelInput() {
        assertThat(only(VALID.replace("length: 800ms", "length: 1s")))
                .isEqualTo(
                        "p.yaml:7:11: window.length: model 'tiny-ae' takes windows of 8 samples of 100ms, so"
                                + " window.length must be 800ms, found 1000ms");
    }

    @Test
    void channelsThatDoNotMatchTheModel() {
        assertThat(only(VALID.replace("[b, a]", "[a, c]")))
                .isEqualTo(
                        "p.yaml:5:13: source.channels: model 'tiny-ae' takes channels [a, b]; missing [b]; unknown to the model [c]");
    }

    @Test
    void derivedChannelFromAChannelThatIsNotRead() {
        assertThat(only(VALID.replace("[b, a]", "[a, {name: b, derive: difference, from: c}]")))
                .isEqualTo(
                        "p.yaml:5:17: source.channels.from: derived channel 'b' is computed from 'c', which is not an"
                                + " input channel; inputs: [a]");
    }

    @Test
    void keyThatDoesNotApplyToTheWindowType() {
        assertThat(only(VALID.replace("  hop: 200ms", "  hop: 200ms\n  type: tumbling")))
                .isEqualTo(
                        "p.yaml:8:8: window.hop: applies to sliding windows (a tumbling window hops by its length) only,"
                                + " not to 'tumbling'");
    }

    @Test
    void staggerAppliesToTimeWindowsOnly() {
        assertThat(
                        parse(VALID.replace("  hop: 200ms", "  hop: 200ms\n  stagger: true"))
                                .window()
                                .stagger())
                .isTrue();
        assertThat(parse(VALID).window().stagger()).isFalse();
        assertThat(
                        only(
                                VALID.replace(
                                        "  length: 800ms\n  hop: 200ms",
                                        "  type: count\n  stagger: true")))
                .isEqualTo(
                        "p.yaml:8:12: window.stagger: applies to sliding and tumbling windows only, not to 'count'");
    }

    @Test
    void thresholdAndCalibrationTogether() {
        assertThat(only(VALID + "detect:\n  threshold: 2\n  calibrate: {windows: 20}\n"))
                .isEqualTo(
                        "p.yaml:13:14: detect.calibrate: give either detect.threshold or detect.calibrate, not both");
    }

    @Test
    void debounceNeedsKAtMostN() {
        assertThat(only(VALID + "detect:\n  debounce: {k: 4, n: 3}\n"))
                .isEqualTo("p.yaml:12:17: detect.debounce.k: must not exceed n (3), found 4");
    }

    @Test
    void badRateLimit() {
        assertThat(only(VALID + "output:\n  events: {rate-limit: 10 per minute}\n"))
                .isEqualTo(
                        "p.yaml:12:24: output.events.rate-limit: expected a positive rate such as '1/s', '10/min' or"
                                + " '100/h', found '10 per minute'");
    }

    @Test
    void badResultTopicTemplate() {
        assertThat(only(VALID + "output:\n  events:\n    topic: results/{site}/{asset}\n"))
                .isEqualTo(
                        "p.yaml:13:12: output.events.topic: only {pipeline}, {asset} and {type} may be used in this"
                                + " topic, found 'results/{site}/{asset}'");
    }

    @Test
    void invalidYamlSyntax() {
        assertThat(only(VALID.replace("  hop: 200ms", "   hop: 200ms")))
                .startsWith("p.yaml:8:7: not valid YAML: ");
    }

    @Test
    void duplicateKey() {
        assertThat(only(VALID + "name: other\n"))
                .isEqualTo("p.yaml:11:1: name: duplicate key 'name', first given on line 1");
    }

    @Test
    void listWrittenWithoutDashes() {
        assertThat(
                        only(
                                VALID.replace(
                                        "    - plant/{line}/{asset}/data",
                                        "    plant/{line}/{asset}/data")))
                .isEqualTo(
                        "p.yaml:4:5: source.topics: expected a list, found 'plant/{line}/{asset}/data'. Perhaps you"
                                + " missed a dash prefix '-' before each item?");
    }

    @Test
    void keyIndentedOutOfItsBlock() {
        List<SpecError> errors = errors(VALID.replace("  hop: 200ms", "hop: 200ms"));
        assertThat(errors.get(0).toString())
                .isEqualTo(
                        "p.yaml:8:1: hop: unknown key 'hop' at the top level; allowed keys: [name, source, time,"
                                + " window, model, detect, output]. Is it indented too little, so it left the block above?");
    }

    @Test
    void zeroOrNegativeSizes() {
        assertThat(only(VALID + "  batch-size: 0\n"))
                .isEqualTo(
                        "p.yaml:11:15: model.batch-size: expected an integer from 1 to 4096, found 0");
        assertThat(only(VALID.replace("hop: 200ms", "hop: 0ms")))
                .isEqualTo(
                        "p.yaml:8:8: window.hop: expected a positive whole number of milliseconds, found '0ms'");
        assertThat(errors(VALID.replace("[b, a]", "[b, {name: a, samples: -3}]")).get(0))
                .hasToString(
                        "p.yaml:5:36: source.channels.samples: expected an integer from 2 to 4096, found -3");
    }

    @Test
    void everyMistakeIsReportedNotOnlyTheFirst() {
        List<SpecError> errors =
                errors(
                        VALID.replace("hop: 200ms", "hop: soon")
                                .replace("name: tiny\n", "name: Tiny\n")
                                .replace("[b, a]", "[b, a, b]"));
        assertThat(errors)
                .extracting(SpecError::path)
                .containsExactly("name", "source.channels", "window.hop");
        assertThat(errors).extracting(SpecError::line).containsExactly(1, 5, 8);
    }

    @Test
    void emptyFile() {
        assertThat(only(""))
                .isEqualTo(
                        "p.yaml:1:1: expected a block of keys [name, source, time, window, model, detect, output], found an empty file");
    }
}
