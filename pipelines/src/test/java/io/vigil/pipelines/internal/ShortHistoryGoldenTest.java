package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.models.WindowScorer;
import io.vigil.pipelines.ModelInput;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped RUL pipeline on an engine with a short history, against the tensors Python exported:
 * FD001 test unit 1 has 31 cycles, fewer than the model's 50. Fed its cycles one by one (the input
 * channels only), the pipeline's count window must pad them exactly as training did (the first
 * cycle repeated in front), derive each sensor's early level from the engine's first 25 cycles as
 * training did, and the shipped model must then predict what Python predicted for that window.
 */
class ShortHistoryGoldenTest {

    private static final Path PIPELINE = Path.of("../config/pipelines/cmapss-rul.yaml");
    private static final Path GOLDEN = Path.of("../models/zoo/cmapss-transformer/golden.json");

    @Test
    void aShortHistoryIsPaddedAndScoredAsInTraining() throws Exception {
        PipelineSpec spec = PipelineParser.parse(PIPELINE);
        JsonNode golden = JsonMapper.builder().build().readTree(GOLDEN.toFile());
        JsonNode where = golden.path("windows").get(0);
        assertThat(where.path("subset").asText() + "/" + where.path("unit").asInt())
                .isEqualTo("FD001/1");
        int rows = spec.window().rows();
        List<String> channels = spec.model().card().channels();
        int width = channels.size();
        float[] padded = window(golden.path("raw_input").path("data"), 0, rows * width);
        // Where each input channel (read from payloads, not derived) sits among the model's.
        int[] inputs =
                spec.source().inputs().stream().mapToInt(c -> channels.indexOf(c.name())).toArray();
        assertThat(inputs).doesNotContain(-1).hasSizeLessThan(width);

        // The golden window is 31 cycles after 19 copies of the first; feed only the 31.
        int padding = rows - 31;
        for (int r = 0; r < padding; r++) {
            assertThat(row(padded, r, width)).containsExactly(row(padded, padding, width));
        }
        var harness = WindowAssemblerHarness.open(spec);
        for (int cycle = 0; cycle < 31; cycle++) {
            long ts = cycle * 1000L;
            float[] row = row(padded, padding + cycle, width);
            float[] values = new float[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                values[i] = row[inputs[i]];
            }
            harness.processElement(new Reading("engine-1", ts, values), ts);
        }
        List<ModelInput> windows = harness.extractOutputValues();
        // Scored from the 30th cycle (min-coverage 0.6 of 50 rows): after cycles 30 and 31.
        assertThat(windows).hasSize(2);
        ModelInput last = windows.get(1);
        assertThat(last.coveredRows()).isEqualTo(31);
        // Every channel exactly: the inputs are the file's readings as float32, and the early
        // levels, averaged from those float32 readings as the training script averages them, match
        // numpy's mean to the last bit (25 float32 values sum exactly in a double).
        for (int r = 0; r < rows; r++) {
            float[] actual = row(last.data(), r, width);
            float[] exported = row(padded, r, width);
            for (int c = 0; c < width; c++) {
                assertThat(actual[c]).as("row %d, %s", r, channels.get(c)).isEqualTo(exported[c]);
            }
        }
        harness.close();

        double expected =
                golden.path("variants")
                        .path(spec.model().location().variant())
                        .path("scores")
                        .get(0)
                        .asDouble();
        try (WindowScorer scorer = WindowScorer.open(spec.model().location())) {
            double[] scores = new double[1];
            scorer.score(last.data(), 1, new float[scorer.card().channelCount()], scores);
            double tolerance =
                    golden.path("atol").asDouble() + golden.path("rtol").asDouble() * expected;
            assertThat(scores[0]).isCloseTo(expected, within(tolerance));
        }
    }

    private static float[] window(JsonNode data, int index, int size) {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = data.get(index * size + i).floatValue();
        }
        return out;
    }

    private static float[] row(float[] window, int r, int channels) {
        return Arrays.copyOfRange(window, r * channels, (r + 1) * channels);
    }
}
