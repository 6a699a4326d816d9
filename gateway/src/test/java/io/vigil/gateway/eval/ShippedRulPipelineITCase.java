package io.vigil.gateway.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.gateway.cli.VigilCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The shipped RUL pipeline, {@code config/pipelines/cmapss-rul.yaml}, replayed by {@code vigil
 * eval} on the official C-MAPSS test sets through a MiniCluster (JSON decoding, count windows with
 * the engines' early levels in keyed state, the INT8 model), must reproduce the figures the
 * training script printed into the model's card. Runs where the benchmark data sits beside the
 * checkout ({@code ../shared/data/cmapss}), as in CI; skipped elsewhere.
 */
class ShippedRulPipelineITCase {

    private static final Path DATA = Path.of("../../shared/data/cmapss");
    private static final Path PIPELINE = Path.of("../config/pipelines/cmapss-rul.yaml");
    private static final Path CARD = Path.of("../models/zoo/cmapss-transformer/card.json");
    private static final Pattern SUBSET =
            Pattern.compile("(FD00\\d): (\\d+) units, RMSE ([\\d.]+), PHM08 score ([\\d.]+)");

    @Test
    void reproducesTheCardsTestFigures() throws Exception {
        assumeTrue(Files.isDirectory(DATA), "no C-MAPSS data at " + DATA.toAbsolutePath());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new VigilCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute("eval", PIPELINE.toString(), "--data", DATA.toString()))
                .as(err::toString)
                .isZero();

        JsonNode int8 =
                JsonMapper.builder().build().readTree(CARD.toFile()).path("metrics").path("int8");
        Matcher subsets = SUBSET.matcher(out.toString());
        int seen = 0;
        while (subsets.find()) {
            JsonNode python = int8.path(subsets.group(1));
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
}
