package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowScorerTest {

    @Test
    void opensAReconstructionModelAsAnAnomalyScorer() {
        try (WindowScorer scorer = WindowScorer.open(ModelLocation.shipped("tiny-ae"))) {
            assertThat(scorer).isInstanceOf(AnomalyScorer.class);
            assertThat(scorer.card().name()).isEqualTo("tiny-ae");
        }
    }

    @Test
    void opensARulModelAsARulPredictor() {
        try (WindowScorer scorer = WindowScorer.open(ModelLocation.shipped("tiny-rul"))) {
            assertThat(scorer).isInstanceOf(RulPredictor.class);
            assertThat(scorer.card().name()).isEqualTo("tiny-rul");
        }
    }

    @Test
    void opensTheShippedModels() {
        for (String name : ModelLocation.shippedNames()) {
            try (WindowScorer scorer = WindowScorer.open(ModelLocation.shipped(name))) {
                assertThat(scorer.card().name()).isEqualTo(name);
            }
        }
    }

    @Test
    void unknownTaskNamesTheCardFileAndTheSupportedTasks(@TempDir Path dir) throws Exception {
        String card =
                TestModels.card("tiny-ae")
                        .replace("\"task\": \"reconstruction\"", "\"task\": \"classification\"");
        ModelLocation location = TestModels.write(dir, card, "tiny-ae");
        assertThatThrownBy(() -> WindowScorer.open(location))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        dir.resolve("card.json")
                                + " has task 'classification', which Vigil cannot score; supported"
                                + " tasks are [reconstruction, forecast, rul].");
    }

    @Test
    void rulModelWhoseOutputIsNotOneValuePerWindowFailsOnLoad(@TempDir Path dir) throws Exception {
        // The tiny-rul card, but tiny-ae's model, whose output has the input's shape.
        String card =
                TestModels.card("tiny-rul")
                        .replace("\"name\": \"rul\"", "\"name\": \"reconstruction\"");
        ModelLocation location = TestModels.write(dir, card, "tiny-ae");
        assertThatThrownBy(() -> WindowScorer.open(location))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        "Model 'tiny-rul' output 'reconstruction' has shape [-1, 8, 2] but a 'rul'"
                                + " model must output [batch, 1] or [batch].");
    }

    @Test
    void rulCardDeclaringAWindowShapedOutputIsRejected(@TempDir Path dir) throws Exception {
        String card = TestModels.card("tiny-rul").replace("[-1, 1]", "[-1, 8, 2]");
        ModelLocation location = TestModels.write(dir, card, "tiny-rul");
        assertThatThrownBy(() -> WindowScorer.open(location))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        dir.resolve("card.json")
                                + " is not a valid model card: output.shape of a 'rul' model must"
                                + " be [batch, 1] or [batch], got [-1,8,2]");
    }

    @Test
    void reconstructionModelWhoseOutputIsNotTheWindowFailsOnLoad(@TempDir Path dir)
            throws Exception {
        // The tiny-ae card, but tiny-rul's model, which outputs one value per window.
        String card =
                TestModels.card("tiny-ae")
                        .replace("\"name\": \"reconstruction\"", "\"name\": \"rul\"");
        ModelLocation location = TestModels.write(dir, card, "tiny-rul");
        assertThatThrownBy(() -> WindowScorer.open(location))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        "Model 'tiny-ae' output 'rul' has shape [-1, 1] but a 'reconstruction'"
                                + " model must output the reconstruction its card declares [batch, 8,"
                                + " 2].");
    }
}
