package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocationTest {

    @Test
    void readsTheCardOfAShippedModel() {
        ModelCard card = ModelLocation.shipped("tiny-ae").loadCard();
        assertThat(card.name()).isEqualTo("tiny-ae");
        assertThat(card.windowLength()).isEqualTo(8);
        assertThat(card.channels()).containsExactly("a", "b");
        assertThat(card.mean()).containsExactly(10f, 0f);
        assertThat(card.threshold()).isEqualTo(1.0);
    }

    @Test
    void variantsAreTheFilesTheCardNames(@TempDir Path dir) throws Exception {
        String card =
                TestModels.card("tiny-ae")
                        .replaceFirst(
                                "\\{",
                                "{\"variants\": {\"int8\": \"model.onnx\", \"fp32\": \"other.onnx\","
                                        + " \"broken\": 3},");
        ModelLocation location = TestModels.write(dir, card, "tiny-ae");
        assertThat(location.variants()).containsExactly("fp32", "int8");
        assertThat(location.withVariant("int8").loadOnnx()).isEqualTo(location.loadOnnx());
        assertThat(location.withVariant("int8")).isNotEqualTo(location);
        assertThat(location.withVariant("int8").toString()).endsWith("(int8)");
        assertThatThrownBy(() -> location.withVariant("broken").loadOnnx())
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        dir.resolve("card.json")
                                + " has no variant 'broken'; its variants are [fp32, int8].");
    }

    @Test
    void unknownModelNamesTheShippedOnes() {
        assertThatThrownBy(() -> ModelLocation.shipped("pump-transfromer").loadCard())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith(
                        "Unknown model 'pump-transfromer': no shipped model of that name; shipped models are [");
    }

    @Test
    void cardWithoutNormalizationIsRejectedWithTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("card.json"),
                "{\"name\":\"x\",\"version\":\"1\",\"task\":\"reconstruction\",\"input\":{\"name\":\"window\",\"shape\":[-1,8,2]},"
                        + "\"output\":{\"name\":\"reconstruction\"},\"sample_period_ms\":100,\"channels\":[\"a\",\"b\"],\"threshold\":1}");
        assertThatThrownBy(() -> ModelLocation.directory(dir).loadCard())
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        dir.resolve("card.json")
                                + " is not a valid model card: missing key 'normalization'");
    }

    @Test
    void missingOnnxFileIsNamed(@TempDir Path dir) throws Exception {
        Files.copy(
                ModelLocation.class.getResourceAsStream("/vigil/models/tiny-ae/card.json"),
                dir.resolve("card.json"));
        assertThatThrownBy(() -> OnnxModel.open(ModelLocation.directory(dir)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("Model file not found: " + dir.resolve("model.onnx") + ".");
    }

    @Test
    void modelWhoseShapeDiffersFromItsCardFailsOnLoad(@TempDir Path dir) throws Exception {
        String card =
                new String(
                                ModelLocation.class
                                        .getResourceAsStream("/vigil/models/tiny-ae/card.json")
                                        .readAllBytes())
                        .replace("[-1, 8, 2]", "[-1, 16, 2]");
        Files.writeString(dir.resolve("card.json"), card);
        Files.copy(
                ModelLocation.class.getResourceAsStream("/vigil/models/tiny-ae/model.onnx"),
                dir.resolve("model.onnx"));
        assertThatThrownBy(() -> OnnxModel.open(ModelLocation.directory(dir)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(
                        "input 'window' has shape [-1, 8, 2] but its card says [batch, 16, 2]");
    }

    @Test
    void readsTheRulFieldsOfARulCard() {
        ModelCard card = ModelLocation.shipped("tiny-rul").loadCard();
        assertThat(card.task()).isEqualTo("rul");
        assertThat(card.outputName()).isEqualTo("rul");
        assertThat(card.rulCap()).isEqualTo(125.0);
        assertThat(card.unit()).isEqualTo("cycles");
        assertThat(card.threshold()).isNaN();
        assertThat(card.errorScale()).containsExactly(1f, 1f);
    }

    @Test
    void anomalyCardsLoadAsBefore() {
        ModelCard tiny = ModelLocation.shipped("tiny-ae").loadCard();
        assertThat(tiny.rulCap()).isNaN();
        assertThat(tiny.unit()).isEmpty();
        ModelCard pump = ModelLocation.shipped("pump-transformer").loadCard();
        assertThat(pump.task()).isEqualTo("reconstruction");
        assertThat(pump.threshold()).isGreaterThan(0);
        assertThat(pump.scoreReduction()).isEqualTo(ModelCard.ScoreReduction.MEAN);
        assertThat(pump.hasRulCap()).isFalse();
    }

    @Test
    void rulCardWithoutCapOrUnitCountsCycles(@TempDir Path dir) throws Exception {
        String card =
                TestModels.card("tiny-rul")
                        .replace(", \"rul_cap\": 125.0, \"unit\": \"cycles\"", "");
        ModelCard loaded = TestModels.write(dir, card, "tiny-rul").loadCard();
        assertThat(loaded.hasRulCap()).isFalse();
        assertThat(loaded.unit()).isEqualTo("cycles");
    }

    @Test
    void reconstructionCardStillNeedsAThreshold(@TempDir Path dir) throws Exception {
        String card = TestModels.card("tiny-ae").replace(", \"threshold\": 1.0", "");
        ModelLocation location = TestModels.write(dir, card, "tiny-ae");
        assertThatThrownBy(location::loadCard)
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        dir.resolve("card.json")
                                + " is not a valid model card: missing key 'threshold'");
    }

    @Test
    void capThatIsNotANumberIsRejected(@TempDir Path dir) throws Exception {
        String card = TestModels.card("tiny-rul").replace("125.0", "\"125\"");
        ModelLocation location = TestModels.write(dir, card, "tiny-rul");
        assertThatThrownBy(location::loadCard)
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        dir.resolve("card.json")
                                + " is not a valid model card: rul_cap must be a number, got"
                                + " \"125\"");
    }

    @Test
    void capOnAReconstructionCardIsRejected(@TempDir Path dir) throws Exception {
        String card =
                TestModels.card("tiny-ae")
                        .replace("\"threshold\": 1.0", "\"threshold\": 1.0, \"rul_cap\": 125");
        ModelLocation location = TestModels.write(dir, card, "tiny-ae");
        assertThatThrownBy(location::loadCard)
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        dir.resolve("card.json")
                                + " is not a valid model card: rul_cap is only for task 'rul', got"
                                + " task 'reconstruction'.");
    }

    @Test
    void reconstructionCardWhoseOutputIsNotTheWindowIsRejected(@TempDir Path dir) throws Exception {
        String card =
                TestModels.card("tiny-ae")
                        .replace(
                                "\"output\": {\"name\": \"reconstruction\", \"shape\": [-1, 8, 2]}",
                                "\"output\": {\"name\": \"reconstruction\", \"shape\": [-1, 1]}");
        ModelLocation location = TestModels.write(dir, card, "tiny-ae");
        assertThatThrownBy(location::loadCard)
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        dir.resolve("card.json")
                                + " is not a valid model card: output.shape of a 'reconstruction'"
                                + " model must be the input's shape [-1,8,2] or its newest rows"
                                + " [batch, H, 2] with 1 <= H <= 8, got [-1,1]");
    }
}
