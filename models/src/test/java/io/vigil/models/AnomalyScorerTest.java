package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

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
        try (AnomalyScorer scorer =
                new AnomalyScorer(OnnxModel.open(ModelLocation.shipped("tiny-ae")))) {
            scorer.score(windows, 2, errors);
        }
        assertThat(errors[0]).isCloseTo(1f, within(1e-6f));
        assertThat(errors[1]).isCloseTo(0f, within(1e-6f));
        assertThat(errors[2]).isCloseTo(0f, within(1e-6f));
        assertThat(errors[3]).isCloseTo(2f, within(1e-6f));
        assertThat(AnomalyScorer.windowScore(errors, 0, 2)).isCloseTo(0.5, within(1e-6));
        assertThat(AnomalyScorer.windowScore(errors, 1, 2)).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void reusesItsBuffersAcrossBatchSizes() {
        float[] one = new float[16];
        java.util.Arrays.fill(one, 12f); // channel a normalized 1 -> 0.25; channel b 12 -> 36
        float[] errors = new float[64];
        try (AnomalyScorer scorer =
                new AnomalyScorer(OnnxModel.open(ModelLocation.shipped("tiny-ae")))) {
            float[] big = new float[32 * 16];
            scorer.score(big, 32, errors);
            scorer.score(one, 1, errors);
        }
        assertThat(errors[0]).isCloseTo(0.25f, within(1e-6f));
        assertThat(errors[1]).isCloseTo(36f, within(1e-4f));
    }
}
