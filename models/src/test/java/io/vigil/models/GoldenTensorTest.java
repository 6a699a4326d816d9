package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the golden tensors the Python export wrote for every shipped model and every variant its
 * card lists (FP32 and INT8) through ONNX Runtime in Java. The model's output must match PyTorch's
 * within the tolerance the export recorded, and the scores the Java scorer computes from raw units
 * (normalization, channel errors, reduction or RUL clamp) must match Python's.
 *
 * <p>{@code golden.json} holds the input once and, under {@code variants}, one expected output per
 * variant: the INT8 reference is the PyTorch model with its weights rounded exactly as the INT8
 * file stores them. Older files without {@code variants} hold the FP32 output at the top level.
 */
class GoldenTensorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> shippedVariants() {
        List<String> names = ModelLocation.shippedNames();
        assertThat(names).isNotEmpty();
        List<Arguments> cases = new ArrayList<>();
        for (String name : names) {
            for (String variant : ModelLocation.shipped(name).variants()) {
                cases.add(Arguments.of(name, variant));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("shippedVariants")
    void javaReproducesPythonWithinTolerance(String name, String variant) throws Exception {
        JsonNode golden;
        try (InputStream in =
                getClass().getResourceAsStream("/vigil/models/" + name + "/golden.json")) {
            assertThat(in).as("golden.json of " + name).isNotNull();
            golden = JSON.readTree(in);
        }
        JsonNode expected = golden.has("variants") ? golden.path("variants").path(variant) : golden;
        assertThat(expected.isMissingNode())
                .as("golden.json of %s has variant %s", name, variant)
                .isFalse();
        double rtol = golden.path("rtol").asDouble();
        double atol = golden.path("atol").asDouble();
        float[] input = floats(golden.path("input").path("data"));
        int batch = golden.path("input").path("shape").get(0).asInt();
        ModelLocation location = ModelLocation.shipped(name).withVariant(variant);

        try (OnnxModel model = OnnxModel.open(location)) {
            float[] output = model.run(input, batch);
            float[] want = floats(expected.path("output").path("data"));
            assertThat(output).hasSameSizeAs(want);
            for (int i = 0; i < want.length; i++) {
                assertThat((double) Math.abs(output[i] - want[i]))
                        .as("output[%d]", i)
                        .isLessThanOrEqualTo(atol + rtol * Math.abs(want[i]));
            }
        }

        // Through the scorer, as the pipeline runs it: raw units in, channel errors and scores out.
        try (WindowScorer scorer = WindowScorer.open(location)) {
            ModelCard card = scorer.card();
            int channels = card.channelCount();
            float[] raw = new float[input.length];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = input[i] * card.std()[i % channels] + card.mean()[i % channels];
            }
            float[] channelErrors = new float[batch * channels];
            double[] scores = new double[batch];
            scorer.score(raw, batch, channelErrors, scores);
            JsonNode wantScores = expected.path("scores");
            assertThat(wantScores.size()).isEqualTo(batch);
            for (int b = 0; b < batch; b++) {
                double want = wantScores.get(b).asDouble();
                assertThat(scores[b])
                        .as("score[%d]", b)
                        .isCloseTo(want, within(1e-3 + 1e-3 * Math.abs(want)));
            }
            if (expected.has("scaled_errors")) {
                float[] want = floats(expected.path("scaled_errors").path("data"));
                for (int i = 0; i < want.length; i++) {
                    assertThat((double) channelErrors[i])
                            .as("scaled channel error[%d]", i)
                            .isCloseTo(want[i], within(1e-3 + 1e-3 * Math.abs(want[i])));
                }
            }
        }
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }
}
