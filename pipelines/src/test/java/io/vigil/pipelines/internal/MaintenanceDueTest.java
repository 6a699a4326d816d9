package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.spec.ConfigException;
import io.vigil.pipelines.spec.PipelineSpec;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A RUL pipeline (the tiny RUL test model, count windows as for run-to-failure cycles): a
 * maintenance-due event when the predicted remaining life falls below the horizon, one per episode,
 * cleared once the prediction is back above the clear level.
 */
class MaintenanceDueTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String PIPELINE =
            """
            name: engines
            source:
              topics: ['fleet/{asset}/cycle']
              timestamp: {field: cycle, format: epoch-seconds}
              channels: [a, b]
            window: {type: count, every: 1}
            model: {name: tiny-rul}
            detect:
              horizon: 30
              clear: 1.2
            output:
              events: {topic: 'maintenance/{asset}'}
            """;

    @Test
    void rulPipelineParsesWithTheModelsContract() {
        PipelineSpec spec = TestPipelines.parse(PIPELINE);
        assertThat(spec.model().predictsRul()).isTrue();
        assertThat(spec.detect().event()).isEqualTo("maintenance-due");
        assertThat(spec.detect().lowIsBad()).isTrue();
        assertThat(spec.detect().threshold()).isEqualTo(30.0);
        assertThat(spec.window().rows()).isEqualTo(8);
    }

    @Test
    void anAnomalyThresholdMakesNoSenseForARulModel() {
        ConfigException e =
                org.assertj.core.api.Assertions.catchThrowableOfType(
                        ConfigException.class,
                        () ->
                                TestPipelines.parse(
                                        PIPELINE.replace("horizon: 30", "threshold: 30")));
        assertThat(e.errors().get(0).toString())
                .isEqualTo(
                        "test.yaml:9:14: detect.threshold: applies to anomaly models; a RUL model's events"
                                + " come from detect.horizon only, not to 'rul'");
    }

    @Test
    void predictionsUnderTheHorizonRaiseOneEventUntilTheyRecover() throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new ResultEmitter(TestPipelines.parse(PIPELINE))),
                        ScoredWindow::asset,
                        Types.STRING);
        harness.open();
        double[] predictions = {100, 50, 29, 25, 33, 35, 37, 20};
        for (int i = 0; i < predictions.length; i++) {
            harness.processElement(
                    new ScoredWindow(
                            "engine-7",
                            i * 1000L,
                            (i + 1) * 1000L,
                            predictions[i],
                            new float[2],
                            0L),
                    (i + 1) * 1000L - 1);
        }
        List<JsonNode> events =
                harness.extractOutputValues().stream()
                        .filter(m -> m.topic().equals("maintenance/engine-7"))
                        .map(MaintenanceDueTest::json)
                        .toList();
        // Raised at 29 (< 30); 33 and 35 stay under the clear level 36; cleared at 37; 20 raises
        // again.
        assertThat(events)
                .extracting(e -> e.path("state").asText() + "@" + e.path("score").asInt())
                .containsExactly("raised@29", "cleared@37", "raised@20");
        JsonNode cleared = events.get(1);
        assertThat(cleared.path("type").asText()).isEqualTo("maintenance-due");
        assertThat(cleared.path("threshold").asDouble()).isEqualTo(30.0);
        assertThat(cleared.path("episode").path("peakScore").asDouble()).isEqualTo(25.0);
        assertThat(cleared.has("channels")).as("a regressor blames no channel").isFalse();
    }

    private static JsonNode json(OutboundMessage message) {
        try {
            return JSON.readTree(message.payload());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
