package io.vigil.gateway.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.gateway.cli.VigilCli;
import io.vigil.models.ModelLocation;
import io.vigil.pipelines.spec.PipelineParser;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vigil eval} through the real pipeline and the tiny ONNX models, on datasets small enough
 * to work the expected figures out by hand; and the shipped RUL pipeline on the real C-MAPSS test
 * sets, where they sit beside the checkout, against its model card.
 */
class EvalCommandITCase {

    /** The tiny autoencoder (copied to {@code model} beside the file) on SKAB's ColA and ColB. */
    private static final String TINY_SKAB_PIPELINE =
            """
            name: skab-tiny
            source:
              topics: ['skab/{asset}']
              channels:
                - {name: a, field: ColA}
                - {name: b, field: ColB}
            window: {length: 8s, hop: 1s}
            model: {path: model}
            """;

    /** The tiny RUL model on C-MAPSS's s2 and s3, one window per cycle. */
    private static final String TINY_RUL_PIPELINE =
            """
            name: rul-tiny
            source:
              topics: ['fleet/{asset}/cycle']
              channels:
                - {name: a, field: s2}
                - {name: b, field: s3}
            window: {type: count, every: 1}
            model: {name: tiny-rul}
            detect: {horizon: 30}
            """;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int eval(String... args) {
        CommandLine cli = new CommandLine(new VigilCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "eval";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    private String lastLine() {
        List<String> lines = out.toString().lines().toList();
        return lines.get(lines.size() - 1);
    }

    /**
     * Two SKAB-format recordings of 40 rows at 1 s; rows 25 to 34 read a = 20 (5 standard
     * deviations from the tiny model's mean) and are labelled anomalous. The tiny model's window
     * score is 6.25 k / 16 for k anomalous rows of 8, so the alarm (threshold 1) needs k >= 3: rows
     * 25 and 26 are missed, 27 to 34 caught, and the alarm holds until fewer than 3 anomalous rows
     * remain, past the last row: 35 to 39 are false alarms. Rows 10 to 24 are quiet. Per file TP 8,
     * FP 5, FN 2, TN 15.
     */
    @Test
    void anomalyPipelineOnSkabFormatPrintsF1FarAndMar(@TempDir Path dir) throws Exception {
        oneSecondTinyModel(dir.resolve("model"));
        Path data = Files.createDirectories(dir.resolve("data").resolve("valve1"));
        for (String file : List.of("0.csv", "1.csv")) {
            StringBuilder csv = new StringBuilder("datetime;ColA;ColB;anomaly;changepoint\n");
            LocalDateTime start = LocalDateTime.parse("2020-03-09T10:14:00");
            for (int r = 0; r < 40; r++) {
                boolean anomalous = r >= 25 && r <= 34;
                csv.append(
                                start.plusSeconds(r)
                                        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")))
                        .append(anomalous ? ";20.0;0.0;1.0;0.0\n" : ";10.0;0.0;0.0;0.0\n");
            }
            Files.writeString(data.resolve(file), csv);
        }
        Files.writeString(
                dir.resolve("data").resolve("anomaly-free.csv"),
                "datetime;ColA;ColB\n2020-03-09 10:00:00;10;0\n");
        Path pipeline = dir.resolve("skab.yaml");
        Files.writeString(pipeline, TINY_SKAB_PIPELINE);

        assertThat(
                        eval(
                                pipeline.toString(),
                                "--data",
                                dir.resolve("data").toString(),
                                "--fit-rows",
                                "10"))
                .as(err::toString)
                .isZero();
        assertThat(out.toString()).contains("valve1-0").contains("valve1-1");
        // 16 TP, 10 FP, 4 FN, 30 TN: F1 = 32 / 46, FAR = 10 / 40, MAR = 4 / 20.
        assertThat(lastLine()).isEqualTo("F1=0.696 FAR=0.250 MAR=0.200");
    }

    /**
     * Two C-MAPSS test units; the tiny RUL model predicts 10 × mean(s2) + mean(s3): 51 for unit 1
     * (true 50) and 20 for unit 2 (true 25). RMSE = sqrt((1 + 25) / 2) = 3.61; PHM08 = (e^0.1 - 1)
     * + (e^(5/13) - 1) = 0.57.
     */
    @Test
    void rulPipelineOnCmapssPrintsRmseAndScore(@TempDir Path dir) throws Exception {
        Path data = cmapss(dir, "50\n25\n", unit(1, 10, 5.0, 1.0), unit(2, 12, 2.0, 0.0));
        Path pipeline = dir.resolve("rul.yaml");
        Files.writeString(pipeline, TINY_RUL_PIPELINE);

        assertThat(eval(pipeline.toString(), "--data", data.toString())).as(err::toString).isZero();
        assertThat(out.toString()).contains("FD001: 2 units, RMSE 3.61");
        assertThat(lastLine()).isEqualTo("RMSE=3.61 SCORE=0.6");
    }

    /** The same two units, each unit's prediction written out: unit 1 is 1 late, unit 2 5 early. */
    @Test
    void rulPipelineWritesEachUnitsPredictionOnRequest(@TempDir Path dir) throws Exception {
        Path data = cmapss(dir, "50\n25\n", unit(1, 10, 5.0, 1.0), unit(2, 12, 2.0, 0.0));
        Path pipeline = dir.resolve("rul.yaml");
        Files.writeString(pipeline, TINY_RUL_PIPELINE);
        Path predictions = dir.resolve("predictions.csv");

        assertThat(
                        eval(
                                pipeline.toString(),
                                "--data",
                                data.toString(),
                                "--predictions",
                                predictions.toString()))
                .as(err::toString)
                .isZero();
        assertThat(Files.readAllLines(predictions))
                .containsExactly(
                        "subset,unit,predicted,true,error",
                        "FD001,FD001-unit-1,51.000,50.000,1.000",
                        "FD001,FD001-unit-2,20.000,25.000,-5.000");
        assertThat(lastLine()).isEqualTo("RMSE=3.61 SCORE=0.6");
    }

    @Test
    void aPredictionsFileThatCannotBeWrittenIsAClearError(@TempDir Path dir) throws Exception {
        Path data = cmapss(dir, "50\n", unit(1, 10, 5.0, 1.0));
        Path pipeline = dir.resolve("rul.yaml");
        Files.writeString(pipeline, TINY_RUL_PIPELINE);
        Path predictions = dir.resolve("no-such-folder").resolve("predictions.csv");

        assertThat(
                        eval(
                                pipeline.toString(),
                                "--data",
                                data.toString(),
                                "--predictions",
                                predictions.toString()))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains(predictions + ": cannot write the predictions (")
                .doesNotContain("\tat ");
    }

    @Test
    void predictionsAreRefusedForAnAnomalyPipeline(@TempDir Path dir) throws Exception {
        oneSecondTinyModel(dir.resolve("model"));
        Path pipeline = dir.resolve("skab.yaml");
        Files.writeString(pipeline, TINY_SKAB_PIPELINE);
        Path predictions = dir.resolve("predictions.csv");

        assertThat(
                        eval(
                                pipeline.toString(),
                                "--data",
                                dir.toString(),
                                "--predictions",
                                predictions.toString()))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("--predictions: per-unit predictions come from RUL pipelines; ")
                .contains("skab.yaml is an anomaly pipeline");
        assertThat(predictions).doesNotExist();
    }

    /**
     * The tiny model's window is 8 rows; with min-coverage 0.75 a unit needs 6 cycles. Unit 2 (7
     * cycles) is scored on a padded window, unit 3 (5 cycles) cannot be, and the evaluation says
     * which unit and why rather than scoring fewer units than the RUL file lists.
     */
    @Test
    void aUnitShorterThanMinCoverageAllowsIsNamed(@TempDir Path dir) throws Exception {
        Path data =
                cmapss(
                        dir,
                        "50\n25\n25\n",
                        unit(1, 10, 5.0, 1.0),
                        unit(2, 7, 2.0, 0.0),
                        unit(3, 5, 2.0, 0.0));
        Path pipeline = dir.resolve("rul.yaml");
        Files.writeString(
                pipeline,
                """
                name: rul-tiny
                source:
                  topics: ['fleet/{asset}/cycle']
                  channels:
                    - {name: a, field: s2}
                    - {name: b, field: s3}
                window: {type: count, every: 1, min-coverage: 0.75}
                model: {name: tiny-rul}
                """);

        assertThat(eval(pipeline.toString(), "--data", data.toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains(
                        "No window for 1 unit(s), too short for the pipeline's window of 8 rows, of"
                                + " which window.min-coverage (0.75) must be the unit's own cycles:"
                                + " [FD001-unit-3 (5 cycles)]");
    }

    @Test
    void aPipelineReadingAColumnTheDataLacksIsAClearError(@TempDir Path dir) throws Exception {
        Path data = cmapss(dir, "50\n", unit(1, 10, 5.0, 1.0));
        Path pipeline = dir.resolve("rul.yaml");
        Files.writeString(
                pipeline,
                """
                name: rul-tiny
                source:
                  topics: ['fleet/{asset}/cycle']
                  channels:
                    - {name: a, field: s2}
                    - {name: b, field: sensor3}
                window: {type: count, every: 1}
                model: {name: tiny-rul}
                """);
        assertThat(eval(pipeline.toString(), "--data", data.toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains(
                        "Pipeline 'rul-tiny' reads channel 'b' from field 'sensor3', which recording FD001-unit-1 does not have");
    }

    /**
     * The shipped RUL pipeline, {@code config/pipelines/cmapss-rul.yaml}, on the official C-MAPSS
     * test sets (JSON decoding, count windows with the engines' early levels in keyed state, the
     * model variant the pipeline names) must reproduce the figures the training script printed into
     * the model's card for that variant. Runs where the benchmark data sits beside the checkout
     * ({@code ../shared/data/cmapss}), as in CI; skipped elsewhere.
     */
    @Test
    void shippedRulPipelineReproducesItsCardsTestFigures() throws Exception {
        Path data = Path.of("../../shared/data/cmapss");
        assumeTrue(Files.isDirectory(data), "no C-MAPSS data at " + data.toAbsolutePath());

        Path pipeline = Path.of("../config/pipelines/cmapss-rul.yaml");
        assertThat(eval(pipeline.toString(), "--data", data.toString())).as(err::toString).isZero();

        ModelLocation model = PipelineParser.parse(pipeline).model().location();
        JsonNode card =
                JsonMapper.builder()
                        .build()
                        .readTree(Path.of("../models/zoo", model.name(), "card.json").toFile())
                        .path("metrics");
        // The card keeps the FP32 figures at the top level and every other variant's under its
        // name.
        JsonNode variant =
                ModelLocation.DEFAULT_VARIANT.equals(model.variant())
                        ? card
                        : card.path(model.variant());
        assertThat(variant.path("FD001").isObject())
                .as("card.json has test figures for variant %s", model.variant())
                .isTrue();
        Matcher subsets =
                Pattern.compile("(FD00\\d): (\\d+) units, RMSE ([\\d.]+), PHM08 score ([\\d.]+)")
                        .matcher(out.toString());
        int seen = 0;
        while (subsets.find()) {
            JsonNode python = variant.path(subsets.group(1));
            assertThat(Integer.parseInt(subsets.group(2))).isEqualTo(python.path("units").asInt());
            // Printed to two decimals; the issue asks for 0.2 RMSE, the pipeline gives 0.01.
            assertThat(Double.parseDouble(subsets.group(3)))
                    .as(subsets.group(1) + " RMSE")
                    .isCloseTo(python.path("rmse").asDouble(), within(0.02));
            assertThat(Double.parseDouble(subsets.group(4)))
                    .as(subsets.group(1) + " PHM08 score")
                    .isCloseTo(python.path("score").asDouble(), within(0.5));
            seen++;
        }
        assertThat(seen).as(out::toString).isEqualTo(2);
    }

    /** A C-MAPSS folder: FD001's test file of {@code units}, and its RUL file. */
    private static Path cmapss(Path dir, String rul, String... units) throws Exception {
        Path data = Files.createDirectories(dir.resolve("cmapss"));
        Files.writeString(data.resolve("test_FD001.txt"), String.join("", units));
        Files.writeString(data.resolve("RUL_FD001.txt"), rul);
        return data;
    }

    /** A test unit's rows: {@code cycles} cycles with sensors s2 and s3 fixed, s4..s21 = 4..21. */
    private static String unit(int unit, int cycles, double s2, double s3) {
        StringBuilder file = new StringBuilder();
        for (int c = 1; c <= cycles; c++) {
            file.append(unit)
                    .append(' ')
                    .append(c)
                    .append(" 0.0 0.0 100.0 518.67 ")
                    .append(s2)
                    .append(' ')
                    .append(s3);
            for (int s = 4; s <= 21; s++) {
                file.append(' ').append(s);
            }
            file.append('\n');
        }
        return file.toString();
    }

    /** The tiny autoencoder with a card that says it was trained at 1 s per row. */
    private static Path oneSecondTinyModel(Path dir) throws Exception {
        Files.createDirectories(dir);
        ClassLoader loader = EvalCommandITCase.class.getClassLoader();
        try (InputStream onnx = loader.getResourceAsStream("vigil/models/tiny-ae/model.onnx");
                InputStream card = loader.getResourceAsStream("vigil/models/tiny-ae/card.json")) {
            Files.copy(onnx, dir.resolve("model.onnx"));
            String text = new String(card.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            Files.writeString(
                    dir.resolve("card.json"),
                    text.replace("\"sample_period_ms\": 100", "\"sample_period_ms\": 1000"));
        }
        return dir;
    }
}
