package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the tiny forecast model through ONNX Runtime, where the expected errors follow by hand: it
 * forecasts the last 2 of 8 rows as the mean of the first 6 (normalized with mean [10, 0] and std
 * [2, 1]), and only those 2 rows count.
 */
class ForecastScorerTest {

    /** Rows of two-channel window {@code w} of {@code windows}, raw units. */
    private static void row(float[] windows, int w, int t, float a, float b) {
        windows[w * 16 + t * 2] = a;
        windows[w * 16 + t * 2 + 1] = b;
    }

    @Test
    void opensAForecastModelAsAnAnomalyScorer() {
        try (WindowScorer scorer = WindowScorer.open(ModelLocation.shipped("tiny-forecast"))) {
            assertThat(scorer).isInstanceOf(AnomalyScorer.class);
            assertThat(scorer.card().task()).isEqualTo(ModelCard.FORECAST);
            assertThat(scorer.card().windowLength()).isEqualTo(8);
            assertThat(scorer.card().outputLength()).isEqualTo(2);
        }
    }

    @Test
    void errorIsTheMeanSquaredErrorOfTheForecastRowsOnly() {
        float[] windows = new float[2 * 16];
        for (int t = 0; t < 6; t++) {
            // Window 0: a at 10 (normalized 0), b at 1 (normalized 1): forecasts 0 and 1.
            row(windows, 0, t, 10f, 1f);
            // Window 1: a alternates 8 and 12 (normalized -1 and 1), b at 0: forecasts 0 and 0.
            row(windows, 1, t, t % 2 == 0 ? 8f : 12f, 0f);
        }
        row(windows, 0, 6, 14f, 1f); // a: (0 - 2)^2 = 4; b: 0
        row(windows, 0, 7, 14f, 3f); // a: 4; b: (1 - 3)^2 = 4
        row(windows, 1, 6, 10f, -2f); // a: 0; b: 4
        row(windows, 1, 7, 10f, 2f); // a: 0; b: 4
        float[] errors = new float[4];
        double[] scores = new double[2];
        try (WindowScorer scorer = WindowScorer.open(ModelLocation.shipped("tiny-forecast"))) {
            scorer.score(windows, 2, errors, scores);
        }
        // Window 1's context is far from its forecast, which a reconstruction would count: not
        // here.
        assertThat(errors).containsExactly(new float[] {4f, 2f, 0f, 4f}, within(1e-6f));
        assertThat(scores[0]).isCloseTo(3.0, within(1e-6)); // the mean over channels
        assertThat(scores[1]).isCloseTo(2.0, within(1e-6));
    }

    @Test
    void reusesItsBuffersAcrossBatchSizes() {
        float[] one = new float[16];
        for (int t = 0; t < 8; t++) {
            row(one, 0, t, t < 6 ? 12f : 16f, 0f); // a: forecast 1, rows at 3 -> 4
        }
        row(one, 0, 7, 16f, 6f); // b: forecast 0, rows 0 and 6 -> (0 + 36) / 2 = 18
        float[] errors = new float[64];
        double[] scores = new double[32];
        try (WindowScorer scorer = WindowScorer.open(ModelLocation.shipped("tiny-forecast"))) {
            scorer.score(new float[32 * 16], 32, errors, scores);
            scorer.score(one, 1, errors, scores);
        }
        assertThat(errors[0]).isCloseTo(4f, within(1e-5f));
        assertThat(errors[1]).isCloseTo(18f, within(1e-5f));
        assertThat(scores[0]).isCloseTo(11.0, within(1e-5));
    }

    @Test
    void scalesChannelErrorsAndReducesByTheCard(@TempDir Path dir) throws Exception {
        String card =
                TestModels.card("tiny-forecast")
                        .replace(
                                "\"threshold\": 1.0",
                                "\"threshold\": 1.0, \"error_scale\": [0.5, 4.0], \"score_reduction\": \"max\"");
        float[] window = new float[16];
        for (int t = 0; t < 8; t++) {
            row(window, 0, t, t < 6 ? 10f : 14f, 1f);
        }
        row(window, 0, 7, 14f, 3f); // raw errors 4 and 2, as in window 0 above
        float[] errors = new float[2];
        double[] scores = new double[1];
        try (WindowScorer scorer =
                WindowScorer.open(TestModels.write(dir, card, "tiny-forecast"))) {
            scorer.score(window, 1, errors, scores);
        }
        assertThat(errors).containsExactly(new float[] {8f, 0.5f}, within(1e-5f));
        assertThat(scores[0]).isCloseTo(8.0, within(1e-5));
    }
}
