package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCardTest {

    private static final float[] ZEROS = {0f, 0f};
    private static final float[] ONES = {1f, 1f};

    private static ModelCard card(String task, double threshold, double rulCap, String unit) {
        return new ModelCard(
                "m",
                "1",
                task,
                "window",
                "out",
                8,
                List.of("a", "b"),
                100,
                ZEROS,
                ONES,
                threshold,
                ONES,
                ModelCard.ScoreReduction.MEAN,
                rulCap,
                unit);
    }

    @Test
    void cardWithoutRulFieldsHasNoCapAndTheTasksDefaultUnit() {
        ModelCard anomaly =
                card("reconstruction", 1.0, Double.NaN, ModelCard.defaultUnit("reconstruction"));
        assertThat(anomaly.hasRulCap()).isFalse();
        assertThat(anomaly.rulCap()).isNaN();
        assertThat(anomaly.unit()).isEmpty();
        ModelCard rul = card("rul", Double.NaN, Double.NaN, ModelCard.defaultUnit("rul"));
        assertThat(rul.unit()).isEqualTo("cycles");
    }

    @Test
    void rulCardNeedsNoThreshold() {
        assertThat(card("rul", Double.NaN, 125, "cycles").threshold()).isNaN();
    }

    @Test
    void reconstructionCardNeedsAThreshold() {
        assertThatThrownBy(() -> card("reconstruction", Double.NaN, Double.NaN, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threshold is required for task 'reconstruction', got NaN.");
    }

    @Test
    void onlyARulCardHasACap() {
        assertThatThrownBy(() -> card("reconstruction", 1.0, 125, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rul_cap is only for task 'rul', got task 'reconstruction'.");
    }

    @Test
    void capMustBePositiveAndFinite() {
        assertThatThrownBy(() -> card("rul", Double.NaN, 0, "cycles"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rul_cap must be positive and finite, got 0.0.");
        assertThatThrownBy(() -> card("rul", Double.NaN, Double.POSITIVE_INFINITY, "cycles"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rul_cap must be positive and finite, got Infinity.");
    }

    @Test
    void unitMustNotBeNull() {
        assertThatThrownBy(() -> card("rul", Double.NaN, 125, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("unit must not be null.");
    }
}
