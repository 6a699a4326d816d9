package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the golden tensors the Python export wrote for every shipped model through ONNX Runtime
 * in Java: the reconstruction must match PyTorch's within the tolerance the export recorded, and
 * the channel errors and scores computed in Java must match Python's.
 */
class GoldenTensorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> shippedModels() {
        List<String> names = ModelLocation.shippedNames();
        assertThat(names).isNotEmpty();
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("shippedModels")
    void javaReproducesPythonWithinTolerance(String name) throws Exception {
        JsonNode golden;
        try (InputStream in =
                getClass().getResourceAsStream("/vigil/models/" + name + "/golden.json")) {
            assertThat(in).as("golden.json of " + name).isNotNull();
            golden = JSON.readTree(in);
        }
        double rtol = golden.path("rtol").asDouble();
        double atol = golden.path("atol").asDouble();
        float[] input = floats(golden.path("input").path("data"));
        float[] expected = floats(golden.path("output").path("data"));
        int batch = golden.path("input").path("shape").get(0).asInt();

        try (OnnxModel model = OnnxModel.open(ModelLocation.shipped(name))) {
            float[] actual = model.run(input, batch);
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) Math.abs(actual[i] - expected[i]))
                        .as("output[%d]", i)
                        .isLessThanOrEqualTo(atol + rtol * Math.abs(expected[i]));
            }
            int channels = model.card().channelCount();
            float[] errors = new float[batch * channels];
            AnomalyScorer.channelErrors(
                    input, actual, batch, model.card().windowLength(), channels, errors);
            float[] expectedErrors = floats(golden.path("channel_errors").path("data"));
            for (int i = 0; i < expectedErrors.length; i++) {
                assertThat((double) errors[i])
                        .isCloseTo(
                                expectedErrors[i],
                                org.assertj.core.data.Offset.offset(
                                        1e-3 + 1e-4 * Math.abs(expectedErrors[i])));
            }
            // Through the scorer, as the pipeline runs it: raw units in, scaled errors and scores
            // out.
            ModelCard card = model.card();
            float[] raw = new float[input.length];
            float[] mean = card.mean();
            float[] std = card.std();
            for (int i = 0; i < raw.length; i++) {
                raw[i] = input[i] * std[i % channels] + mean[i % channels];
            }
            float[] scaled = new float[batch * channels];
            double[] scores = new double[batch];
            new AnomalyScorer(model).score(raw, batch, scaled, scores);
            JsonNode expectedScores = golden.path("scores");
            for (int b = 0; b < batch; b++) {
                double want = expectedScores.get(b).asDouble();
                assertThat(scores[b])
                        .as("score[%d]", b)
                        .isCloseTo(
                                want,
                                org.assertj.core.data.Offset.offset(1e-3 + 1e-3 * Math.abs(want)));
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
