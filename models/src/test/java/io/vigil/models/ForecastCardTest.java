package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a {@code forecast} card and model must declare, checked when they load. */
class ForecastCardTest {

    private static final String RULE =
            "[batch, H, 2] with 1 <= H < 8 (H: the last rows of the window it forecasts)";

    @Test
    void readsTheHorizonFromTheOutputShape() {
        ModelCard card = ModelLocation.shipped("tiny-forecast").loadCard();
        assertThat(card.task()).isEqualTo("forecast");
        assertThat(card.windowLength()).isEqualTo(8);
        assertThat(card.outputLength()).isEqualTo(2);
        assertThat(card.outputSize()).isEqualTo(4);
        assertThat(card.threshold()).isEqualTo(1.0);
        assertThat(card.unit()).isEmpty();
    }

    @Test
    void otherTasksKeepTheirOutputLength() {
        assertThat(ModelLocation.shipped("tiny-ae").loadCard().outputLength()).isEqualTo(8);
        assertThat(ModelLocation.shipped("tiny-rul").loadCard().outputLength()).isEqualTo(1);
    }

    @Test
    void horizonOfTheWholeWindowIsRejected(@TempDir Path dir) throws Exception {
        assertRejected(
                dir,
                "[-1, 8, 2]",
                "output.shape of a 'forecast' model must be " + RULE + ", got [-1,8,2]");
    }

    @Test
    void emptyHorizonIsRejected(@TempDir Path dir) throws Exception {
        assertRejected(
                dir,
                "[-1, 0, 2]",
                "output.shape of a 'forecast' model must be " + RULE + ", got [-1,0,2]");
    }

    @Test
    void otherChannelCountIsRejected(@TempDir Path dir) throws Exception {
        assertRejected(
                dir,
                "[-1, 2, 3]",
                "output.shape of a 'forecast' model must be " + RULE + ", got [-1,2,3]");
    }

    @Test
    void outputWithoutTimeIsRejected(@TempDir Path dir) throws Exception {
        assertRejected(
                dir,
                "[-1, 2]",
                "output.shape of a 'forecast' model must be " + RULE + ", got [-1,2]");
    }

    @Test
    void forecastCardMustDeclareItsOutputShape(@TempDir Path dir) throws Exception {
        String card = TestModels.card("tiny-forecast").replace(", \"shape\": [-1, 2, 2]}", "}");
        ModelLocation location = TestModels.write(dir, card, "tiny-forecast");
        assertThatThrownBy(location::loadCard)
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        dir.resolve("card.json")
                                + " is not a valid model card: output.shape is required for a"
                                + " 'forecast' model: "
                                + RULE
                                + ", got none");
    }

    @Test
    void modelWhoseHorizonDiffersFromItsCardFailsOnLoad(@TempDir Path dir) throws Exception {
        String card = TestModels.card("tiny-forecast").replace("[-1, 2, 2]", "[-1, 3, 2]");
        ModelLocation location = TestModels.write(dir, card, "tiny-forecast");
        assertThatThrownBy(() -> WindowScorer.open(location))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        "Model 'tiny-forecast' output 'forecast' has shape [-1, 2, 2] but a"
                                + " 'forecast' model must output the forecast its card declares"
                                + " [batch, 3, 2].");
    }

    @Test
    void reconstructionModelUnderAForecastCardFailsOnLoad(@TempDir Path dir) throws Exception {
        // The tiny-forecast card, but tiny-ae's model, whose output is the whole window.
        String card =
                TestModels.card("tiny-forecast")
                        .replace("\"name\": \"forecast\"", "\"name\": \"reconstruction\"");
        ModelLocation location = TestModels.write(dir, card, "tiny-ae");
        assertThatThrownBy(() -> WindowScorer.open(location))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        "Model 'tiny-forecast' output 'reconstruction' has shape [-1, 8, 2] but a"
                                + " 'forecast' model must output the forecast its card declares"
                                + " [batch, 2, 2].");
    }

    @Test
    void cardConstructorChecksTheHorizon() {
        float[] two = {1f, 1f};
        assertThatThrownBy(
                        () ->
                                new ModelCard(
                                        "m",
                                        "1",
                                        ModelCard.FORECAST,
                                        "window",
                                        "forecast",
                                        8,
                                        8,
                                        List.of("a", "b"),
                                        100,
                                        two,
                                        two,
                                        1.0,
                                        two,
                                        ModelCard.ScoreReduction.MEAN,
                                        Double.NaN,
                                        ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "outputLength of a 'forecast' model must be at least 1 and less than the"
                                + " window length 8, got 8.");
    }

    private static void assertRejected(Path dir, String outputShape, String message)
            throws Exception {
        String card = TestModels.card("tiny-forecast").replace("[-1, 2, 2]", outputShape);
        ModelLocation location = TestModels.write(dir, card, "tiny-forecast");
        assertThatThrownBy(location::loadCard)
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(dir.resolve("card.json") + " is not a valid model card: " + message);
    }
}
