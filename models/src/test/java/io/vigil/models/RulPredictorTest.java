package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the tiny RUL model through ONNX Runtime, where the expected prediction follows by hand: for
 * a window of 8 rows with channels a and b, {@code rul = 10 * mean(a) + mean(b)} of the normalized
 * values; tiny-rul normalizes with mean 0 and std 1 and caps at 125 cycles.
 */
class RulPredictorTest {

    private static final int WINDOW = 16; // 8 rows x 2 channels

    @Test
    void predictsEachWindowOfABatch() {
        float[] windows = new float[3 * WINDOW];
        for (int t = 0; t < 8; t++) {
            set(windows, 0, t, 5f, 3f); // 10 * 5 + 3 = 53
            set(windows, 1, t, t % 2 == 0 ? 2f : 4f, t); // 10 * 3 + 3.5 = 33.5
            set(windows, 2, t, 1.5f, -2f); // 10 * 1.5 - 2 = 13
        }
        float[] errors = new float[3 * 2];
        Arrays.fill(errors, 7f);
        double[] scores = new double[3];
        try (RulPredictor predictor =
                new RulPredictor(OnnxModel.open(ModelLocation.shipped("tiny-rul")))) {
            predictor.score(windows, 3, errors, scores);
        }
        assertThat(scores).containsExactly(new double[] {53, 33.5, 13}, within(1e-5));
        assertThat(errors).containsOnly(0f);
    }

    @Test
    void clampsToTheCapAndToZero() {
        float[] windows = new float[4 * WINDOW];
        for (int t = 0; t < 8; t++) {
            set(windows, 0, t, 20f, 0f); // 200 -> the cap, 125
            set(windows, 1, t, -1f, 0f); // -10 -> 0
            set(windows, 2, t, 12f, 4.5f); // 124.5, just under the cap
            set(windows, 3, t, 0f, 0f); // 0, the lower bound itself
        }
        double[] scores = new double[4];
        try (WindowScorer predictor = WindowScorer.open(ModelLocation.shipped("tiny-rul"))) {
            predictor.score(windows, 4, new float[8], scores);
        }
        assertThat(scores).containsExactly(new double[] {125, 0, 124.5, 0}, within(1e-5));
    }

    @Test
    void normalizesWithTheCardAndClampsOnlyAtZeroWithoutACap(@TempDir Path dir) throws Exception {
        String card =
                TestModels.card("tiny-rul")
                        .replace(
                                "\"mean\": [0.0, 0.0], \"std\": [1.0, 1.0]",
                                "\"mean\": [1.0, 2.0], \"std\": [2.0, 4.0]")
                        .replace("\"rul_cap\": 125.0, ", "");
        float[] windows = new float[2 * WINDOW];
        for (int t = 0; t < 8; t++) {
            set(windows, 0, t, 11f, 14f); // a (11 - 1) / 2 = 5, b (14 - 2) / 4 = 3 -> 53
            set(windows, 1, t, 41f, 2f); // a 20, b 0 -> 200, no cap
        }
        double[] scores = new double[2];
        try (WindowScorer predictor = WindowScorer.open(TestModels.write(dir, card, "tiny-rul"))) {
            assertThat(predictor.card().hasRulCap()).isFalse();
            predictor.score(windows, 2, new float[4], scores);
        }
        assertThat(scores).containsExactly(new double[] {53, 200}, within(1e-5));
    }

    @Test
    void reusesItsBuffersAcrossBatchSizes() {
        float[] big = new float[32 * WINDOW];
        float[] one = new float[WINDOW];
        for (int t = 0; t < 8; t++) {
            set(one, 0, t, 4f, 1f); // 41
        }
        double[] scores = new double[32];
        float[] errors = new float[64];
        try (WindowScorer predictor = WindowScorer.open(ModelLocation.shipped("tiny-rul"))) {
            predictor.score(big, 32, errors, scores);
            predictor.score(one, 1, errors, scores);
        }
        assertThat(scores[0]).isCloseTo(41, within(1e-5));
    }

    @Test
    void exposesTheRulFieldsOfItsCard() {
        try (WindowScorer predictor = WindowScorer.open(ModelLocation.shipped("tiny-rul"))) {
            ModelCard card = predictor.card();
            assertThat(card.task()).isEqualTo(ModelCard.RUL);
            assertThat(card.rulCap()).isEqualTo(125.0);
            assertThat(card.unit()).isEqualTo("cycles");
            assertThat(card.threshold()).isNaN();
        }
    }

    @Test
    void refusesAReconstructionModel() {
        OnnxModel model = OnnxModel.open(ModelLocation.shipped("tiny-ae"));
        assertThatThrownBy(() -> new RulPredictor(model))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Model 'tiny-ae' has task 'reconstruction', but RulPredictor needs task"
                                + " 'rul'.");
    }

    /** Sets row {@code t} of window {@code w} to channel values {@code a} and {@code b}. */
    private static void set(float[] windows, int w, int t, float a, float b) {
        windows[w * WINDOW + t * 2] = a;
        windows[w * WINDOW + t * 2 + 1] = b;
    }
}
