package io.vigil.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int validate(String... files) {
        CommandLine cli = new CommandLine(new VigilCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] args = new String[files.length + 1];
        args[0] = "validate";
        System.arraycopy(files, 0, args, 1, files.length);
        return cli.execute(args);
    }

    @Test
    void shippedPipelineIsValid() {
        assertThat(validate("../config/pipelines/pump-anomaly.yaml")).isZero();
        assertThat(out.toString())
                .contains(
                        "pump-anomaly.yaml: OK (pipeline 'pump-anomaly', reconstruction model 'pump-transformer'")
                .contains("sliding window of 64 x 5");
    }

    @Test
    void everyMistakeOfEveryFileIsPrintedAndTheExitCodeIsOne(@TempDir Path dir) throws Exception {
        String shipped = Files.readString(Path.of("../config/pipelines/pump-anomaly.yaml"));
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(
                broken,
                shipped.replace("hop: 1s", "hop: often").replace("length: 6.4s", "lenght: 6.4s"));
        assertThat(validate(broken.toString(), dir.resolve("missing.yaml").toString()))
                .isEqualTo(1);
        assertThat(err.toString())
                .contains(
                        broken
                                + ":28:3: window.lenght: unknown key 'lenght' in 'window'; allowed keys: [type, length, hop,"
                                + " every, gap, max-length, sample-period, resample, missing, max-gap, stagger, min-coverage]. Did you"
                                + " mean 'length'?")
                .contains(
                        broken
                                + ":29:8: window.hop: expected a duration such as '500ms', '2s', '1.5m' or '1h', found 'often'")
                .contains(
                        broken
                                + ":27:3: window.length: missing required key 'length' for a sliding window")
                .contains(dir.resolve("missing.yaml") + ":1:1: file not found");
    }

    @Test
    void twoPipelinesWithOneNameAreRejected(@TempDir Path dir) throws Exception {
        String shipped = Files.readString(Path.of("../config/pipelines/pump-anomaly.yaml"));
        Path copy = dir.resolve("copy.yaml");
        Files.writeString(copy, shipped.replace("../schema/", "../../config/schema/"));
        assertThat(validate("../config/pipelines/pump-anomaly.yaml", copy.toString())).isEqualTo(1);
        assertThat(err.toString())
                .contains(
                        copy
                                + ":6:1: name: pipeline name 'pump-anomaly' is already used by ../config/pipelines/pump-anomaly.yaml");
    }

    @Test
    void explainPrintsTheStagesAndTheFlinkOperators() {
        CommandLine cli = new CommandLine(new VigilCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("explain", "../config/pipelines/pump-anomaly.yaml"))
                .as(err::toString)
                .isZero();
        assertThat(out.toString())
                .contains(
                        "subscribe   plant/pumps/+/telemetry  (template plant/pumps/{asset}/telemetry)")
                .contains(
                        "window      sliding 6.4s every 1s on a 100ms grid, staggered per asset -> 64 rows x 5 columns")
                .contains("model       pump-transformer")
                .contains("raise on 2 of 3 windows; clear at 80 % of it; cooldown 30s")
                .contains("pump-anomaly: decode json")
                .contains("uid pump-anomaly-detect-")
                .contains("pump-anomaly: score pump-transformer");
    }

    @Test
    void explainSaysWhenACountWindowStartsOnAShortHistory() {
        CommandLine cli = new CommandLine(new VigilCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("explain", "../config/pipelines/cmapss-rul.yaml"))
                .as(err::toString)
                .isZero();
        assertThat(out.toString())
                .contains(
                        "window      count: the last 50 readings, every 1 readings -> 50 rows x 29"
                                + " columns; no resampling; first window at 30 readings, its"
                                + " missing rows repeating the first")
                .contains(
                        "channel     s2_early       early-mean of s2 over the asset's first 25 readings")
                .doesNotContain("early level known");
    }

    @Test
    void explainAndValidateNameTheKnownEarlyLevelsAndTheirMistakes(@TempDir Path dir)
            throws Exception {
        Path pipeline = dir.resolve("rul.yaml");
        Files.writeString(
                pipeline,
                Files.readString(Path.of("../config/pipelines/cmapss-rul.yaml"))
                        .replace("source:\n", "source:\n  early-levels: levels.csv\n"));
        Files.writeString(dir.resolve("levels.csv"), "asset,s2,s3\nengine-17,642.1,1585.3\n");
        CommandLine cli = new CommandLine(new VigilCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("explain", pipeline.toString())).as(err::toString).isZero();
        assertThat(out.toString())
                .contains(
                        "early level known for 1 asset, from "
                                + dir.resolve("levels.csv")
                                + "; the others learn theirs");

        Files.writeString(dir.resolve("levels.csv"), "asset,s2,s3\nengine-17,642.1,high\n");
        assertThat(validate(pipeline.toString())).isOne();
        assertThat(err.toString())
                .contains(
                        dir.resolve("levels.csv")
                                + ":2:17: source.early-levels: expected a number for s3");
    }
}
