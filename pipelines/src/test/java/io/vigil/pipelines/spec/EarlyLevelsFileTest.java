package io.vigil.pipelines.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code source.early-levels}: the shipped RUL pipeline given a CSV of known early levels, read per
 * asset and channel, and every mistake in it named by the CSV's file, line and column.
 */
class EarlyLevelsFileTest {

    private static final Path SHIPPED = Path.of("../config/pipelines/cmapss-rul.yaml");

    @TempDir Path dir;

    /** The shipped pipeline, in {@code dir}, with {@code early-levels: levels.csv}. */
    private PipelineSpec parse(String csv) throws Exception {
        Files.writeString(dir.resolve("levels.csv"), csv);
        return PipelineParser.parse("rul.yaml", withEarlyLevels(Files.readString(SHIPPED)), dir);
    }

    private static String withEarlyLevels(String yaml) {
        String source = "source:\n";
        assertThat(yaml).contains(source);
        return yaml.replace(source, source + "  early-levels: levels.csv\n");
    }

    private List<String> errors(String csv) {
        return catchThrowableOfType(ConfigException.class, () -> parse(csv)).errors().stream()
                .map(SpecError::toString)
                .toList();
    }

    @Test
    void levelsAreReadPerAssetAndChannel() throws Exception {
        PipelineSpec spec =
                parse(
                        """
                        # engines that ran before the gateway came
                        asset,s2,s3

                        engine-17, 642.1 ,1585.25
                        engine-18,642.4,
                        """);

        PipelineSpec.EarlyLevels levels = spec.source().earlyLevels();
        assertThat(levels.file()).isEqualTo(dir.resolve("levels.csv").toString());
        assertThat(levels.assets()).containsOnlyKeys("engine-17", "engine-18");
        assertThat(levels.level("engine-17", "s2")).isEqualTo(642.1);
        assertThat(levels.level("engine-17", "s3")).isEqualTo(1585.25);
        assertThat(levels.level("engine-18", "s2")).isEqualTo(642.4);
        // An empty cell, a channel not in the file and an asset not in the file: learned.
        assertThat(levels.level("engine-18", "s3")).isNaN();
        assertThat(levels.level("engine-17", "s4")).isNaN();
        assertThat(levels.level("engine-19", "s2")).isNaN();
    }

    @Test
    void withoutTheKeyEveryAssetLearnsItsOwn() throws Exception {
        assertThat(PipelineParser.parse(SHIPPED).source().earlyLevels())
                .isEqualTo(PipelineSpec.EarlyLevels.NONE);
    }

    @Test
    void everyMistakeIsNamedByTheCsvLineAndColumn() {
        String csv = dir.resolve("levels.csv").toString();
        assertThat(
                        errors(
                                """
                                asset,s2,cycle,s2
                                engine-1,642.1,1,642.1
                                engine-2,642.x,1,642.1
                                engine-1,642.1,1,642.1
                                engine-3,642.1
                                ,642.1,1,642.1
                                """))
                .containsExactly(
                        csv
                                + ":1:10: source.early-levels: 'cycle' is not a channel an"
                                + " early-mean is derived from; those are [s2, s3, s4, s7, s8, s9,"
                                + " s11, s12, s13, s14, s15, s17, s20, s21]",
                        csv + ":1:16: source.early-levels: 's2' is named twice",
                        csv
                                + ":3:10: source.early-levels: expected a number for s2 (or an"
                                + " empty cell, to learn it from the readings), found '642.x'",
                        csv
                                + ":4:1: source.early-levels: asset 'engine-1' is listed twice,"
                                + " first on line 2",
                        csv
                                + ":5:1: source.early-levels: expected 4 cells (the asset and its"
                                + " [s2, cycle, s2]), found 2",
                        csv + ":6:1: source.early-levels: missing the asset id");
    }

    @Test
    void aLevelMustBeAPlausibleReadingOfItsChannel() throws Exception {
        Files.writeString(
                dir.resolve("levels.csv"),
                "\uFEFFasset,s2\n# a comment\n\nengine-1,800\nengine-2,1e300\nengine-3,\n");
        String yaml =
                withEarlyLevels(Files.readString(SHIPPED))
                        .replace("    - s2\n", "    - {name: s2, min: 600, max: 700}\n");
        String csv = dir.resolve("levels.csv").toString();
        assertThat(
                        catchThrowableOfType(
                                        ConfigException.class,
                                        () -> PipelineParser.parse("rul.yaml", yaml, dir))
                                .errors()
                                .stream()
                                .map(SpecError::toString))
                .containsExactly(
                        csv
                                + ":4:10: source.early-levels: the level of s2, 800, is not a"
                                + " plausible reading: expected [600.0, 700.0]",
                        csv
                                + ":5:10: source.early-levels: expected a number for s2 (or an"
                                + " empty cell, to learn it from the readings), found '1e300'",
                        csv
                                + ":6:1: source.early-levels: no level for 'engine-3': leave the"
                                + " asset out to learn all its levels from its readings");
    }

    @Test
    void oneKnownLevelCannotStandForTwoEarlyMeansOfAChannel() throws Exception {
        Files.writeString(dir.resolve("levels.csv"), "asset,s2\nengine-1,642\n");
        String yaml =
                withEarlyLevels(Files.readString(SHIPPED))
                        .replace(
                                "    - cycle ",
                                "    - {name: s2_late, derive: early-mean, from: s2, samples: 50}\n"
                                        + "    - cycle ");
        assertThat(
                        catchThrowableOfType(
                                        ConfigException.class,
                                        () -> PipelineParser.parse("rul.yaml", yaml, dir))
                                .errors())
                .extracting(SpecError::message)
                .contains(
                        "'s2' has two early-means ('s2_early' and 's2_late'), and one known level"
                                + " cannot stand for both");
    }

    @Test
    void theLevelsTravelWithTheSpec() throws Exception {
        // A job on a real cluster gets the spec by Java serialization, levels included.
        PipelineSpec spec = parse("asset,s2\nengine-17,642.1\n");
        PipelineSpec copy = InstantiationUtil.clone(spec);
        assertThat(copy.source().earlyLevels().level("engine-17", "s2")).isEqualTo(642.1);
    }

    @Test
    void aHeaderMustComeFirst() {
        String csv = dir.resolve("levels.csv").toString();
        assertThat(errors("engine,s2\n"))
                .containsExactly(
                        csv
                                + ":1:1: source.early-levels: the first column must be 'asset',"
                                + " found 'engine'");
        assertThat(errors("asset\nengine-1\n"))
                .first()
                .asString()
                .startsWith(csv + ":1:1: source.early-levels: no channel after 'asset'");
        assertThat(errors("# nothing yet\n"))
                .singleElement()
                .asString()
                .startsWith(csv + ":1:1: source.early-levels: no header");
    }

    @Test
    void aMissingFileIsNamedAtTheKey() throws Exception {
        List<SpecError> errors =
                catchThrowableOfType(
                                ConfigException.class,
                                () ->
                                        PipelineParser.parse(
                                                "rul.yaml",
                                                withEarlyLevels(Files.readString(SHIPPED)),
                                                dir))
                        .errors();
        assertThat(errors)
                .singleElement()
                .asString()
                .isEqualTo(
                        "rul.yaml:"
                                + (lineOf(
                                        withEarlyLevels(Files.readString(SHIPPED)),
                                        "  early-levels:"))
                                + ":17: source.early-levels: file not found: "
                                + dir.resolve("levels.csv"));
    }

    @Test
    void aPipelineWithoutEarlyMeansHasNoLevelToSet() throws Exception {
        Files.writeString(dir.resolve("levels.csv"), "asset,Pressure\npump-1,1.0\n");
        String yaml =
                withEarlyLevels(Files.readString(Path.of("../config/pipelines/skab-pump.yaml")));
        assertThat(
                        catchThrowableOfType(
                                        ConfigException.class,
                                        () -> PipelineParser.parse("pump.yaml", yaml, dir))
                                .errors())
                .singleElement()
                .asString()
                .endsWith(
                        "source.early-levels: no channel here is derived by early-mean, so there"
                                + " is no early level to set");
    }

    private static int lineOf(String text, String prefix) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line starts with " + prefix);
    }
}
