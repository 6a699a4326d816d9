package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs the tiny test model (output = half its input) through ONNX Runtime, where the expected
 * errors follow by hand: for a normalized value x the squared error is (x/2 - x)^2 = x^2 / 4.
 */
class AnomalyScorerTest {

    @Test
    void normalizesWithTheCardAndReportsPerChannelErrors() {
        // tiny-ae: 8 rows x 2 channels, mean [10, 0], std [2, 1].
        float[] windows = new float[2 * 16];
        for (int t = 0; t < 8; t++) {
            windows[t * 2] = 14f; // channel a: normalized (14 - 10) / 2 = 2 -> error 1
            windows[t * 2 + 1] = 0f; // channel b: normalized 0 -> error 0
            windows[16 + t * 2] = 10f; // second window, channel a: normalized 0 -> error 0
            windows[16 + t * 2 + 1] = t % 2 == 0 ? 4f : 0f; // channel b: 16/4 on half the rows -> 2
        }
        float[] errors = new float[4];
        double[] scores = new double[2];
        try (AnomalyScorer scorer =
                new AnomalyScorer(OnnxModel.open(ModelLocation.shipped("tiny-ae")))) {
            scorer.score(windows, 2, errors, scores);
        }
        assertThat(errors[0]).isCloseTo(1f, within(1e-6f));
        assertThat(errors[1]).isCloseTo(0f, within(1e-6f));
        assertThat(errors[2]).isCloseTo(0f, within(1e-6f));
        assertThat(errors[3]).isCloseTo(2f, within(1e-6f));
        // tiny-ae has no error_scale (1 per channel) and the default reduction, the mean.
        assertThat(scores[0]).isCloseTo(0.5, within(1e-6));
        assertThat(scores[1]).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void reusesItsBuffersAcrossBatchSizes() {
        float[] one = new float[16];
        java.util.Arrays.fill(one, 12f); // channel a normalized 1 -> 0.25; channel b 12 -> 36
        float[] errors = new float[64];
        double[] scores = new double[32];
        try (AnomalyScorer scorer =
                new AnomalyScorer(OnnxModel.open(ModelLocation.shipped("tiny-ae")))) {
            float[] big = new float[32 * 16];
            scorer.score(big, 32, errors, scores);
            scorer.score(one, 1, errors, scores);
        }
        assertThat(errors[0]).isCloseTo(0.25f, within(1e-6f));
        assertThat(errors[1]).isCloseTo(36f, within(1e-4f));
    }

    @Test
    void scalesChannelErrorsAndReducesByTheCard(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String card =
                new String(
                        ModelLocation.class
                                .getResourceAsStream("/vigil/models/tiny-ae/card.json")
                                .readAllBytes());
        card =
                card.replace(
                        "\"threshold\": 1.0",
                        "\"threshold\": 1.0, \"error_scale\": [0.5, 4.0], \"score_reduction\": \"max\"");
        java.nio.file.Files.writeString(dir.resolve("card.json"), card);
        java.nio.file.Files.copy(
                ModelLocation.class.getResourceAsStream("/vigil/models/tiny-ae/model.onnx"),
                dir.resolve("model.onnx"));
        float[] window = new float[16];
        for (int t = 0; t < 8; t++) {
            window[t * 2] = 14f; // raw error 1 -> scaled 1 / 0.5 = 2
            window[t * 2 + 1] = 4f; // raw error 4 -> scaled 4 / 4 = 1
        }
        float[] errors = new float[2];
        double[] scores = new double[1];
        try (AnomalyScorer scorer =
                new AnomalyScorer(OnnxModel.open(ModelLocation.directory(dir)))) {
            scorer.score(window, 1, errors, scores);
        }
        assertThat(errors).containsExactly(new float[] {2f, 1f}, within(1e-5f));
        assertThat(scores[0]).isCloseTo(2.0, within(1e-5));
    }

    @ParameterizedTest(name = "{1} of {0} rows, {2} channels")
    @CsvSource({"8, 8, 2", "64, 64, 5", "10, 7, 3", "10, 1, 4", "5, 2, 1", "9, 3, 8"})
    void channelErrorsMatchTheMeanSquaredDifferenceOverTheOutputRows(
            int length, int outputLength, int channels) {
        java.util.Random random = new java.util.Random(length * 31 + outputLength);
        int batch = 3;
        float[] input = new float[batch * length * channels];
        float[] output = new float[batch * outputLength * channels];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < output.length; i++) {
            output[i] = (float) random.nextGaussian();
        }
        // The definition, in double precision, before channelErrors overwrites the output.
        double[] expected = new double[batch * channels];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < outputLength; t++) {
                for (int c = 0; c < channels; c++) {
                    int row = length - outputLength + t;
                    double d =
                            output[(b * outputLength + t) * channels + c]
                                    - input[(b * length + row) * channels + c];
                    expected[b * channels + c] += d * d / outputLength;
                }
            }
        }
        float[] errors = new float[batch * channels];
        AnomalyScorer.channelErrors(input, output, batch, length, outputLength, channels, errors);
        for (int i = 0; i < errors.length; i++) {
            assertThat((double) errors[i]).isCloseTo(expected[i], within(1e-5 * (1 + expected[i])));
        }
    }

    @Test
    void refusesARulModel() {
        OnnxModel model = OnnxModel.open(ModelLocation.shipped("tiny-rul"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AnomalyScorer(model))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Model 'tiny-rul' has task 'rul', which AnomalyScorer cannot score; open it"
                                + " with WindowScorer.open or RulPredictor.");
    }
}
