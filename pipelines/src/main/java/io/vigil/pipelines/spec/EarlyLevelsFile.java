package io.vigil.pipelines.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the CSV file that {@code source.early-levels} names: the early levels an operator knows
 * from the assets' records, for assets already in service when the gateway first sees them.
 *
 * <pre>
 * # engines that were running before the gateway came
 * asset,s2,s3
 * engine-17,642.1,1585.3
 * engine-18,642.4,
 * </pre>
 *
 * <p>A header {@code asset,<channel>,...} names input channels that an early-mean is derived from,
 * then one row per asset; an empty cell leaves that level to the readings. Blank lines and lines
 * starting with {@code #} are skipped. Every mistake is reported with the CSV file, line and
 * column.
 */
final class EarlyLevelsFile {

    private static final String KEY = "source.early-levels";

    private final String shown;
    private final List<SpecError> errors;

    private EarlyLevelsFile(Path file, List<SpecError> errors) {
        this.shown = file.toString();
        this.errors = errors;
    }

    /**
     * @param file the CSV file
     * @param channels the input channels that an early-mean is derived from
     * @param errors where mistakes are added
     * @return the levels, or null when the file has mistakes (they are in {@code errors})
     */
    static PipelineSpec.EarlyLevels read(Path file, List<String> channels, List<SpecError> errors)
            throws IOException {
        return new EarlyLevelsFile(file, errors).read(Files.readAllLines(file), channels);
    }

    private PipelineSpec.EarlyLevels read(List<String> lines, List<String> channels) {
        int before = errors.size();
        int header = next(lines, 0);
        if (header < 0) {
            error(
                    1,
                    1,
                    "no header: expected 'asset,<channel>,...' with channels among " + channels);
            return null;
        }
        String[] names = lines.get(header).split(",", -1);
        if (!names[0].strip().equals("asset")) {
            error(header, 0, names, "the first column must be 'asset', found '" + names[0] + "'");
        }
        if (names.length == 1) {
            error(header, 0, names, "no channel after 'asset': expected some of " + channels);
        }
        List<String> columns = new ArrayList<>();
        for (int i = 1; i < names.length; i++) {
            String name = names[i].strip();
            if (!channels.contains(name)) {
                error(
                        header,
                        i,
                        names,
                        "'"
                                + name
                                + "' is not a channel an early-mean is derived from; those are "
                                + channels);
            } else if (columns.contains(name)) {
                error(header, i, names, "'" + name + "' is named twice");
            }
            columns.add(name);
        }

        Map<String, Map<String, Double>> assets = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (int line = next(lines, header + 1); line >= 0; line = next(lines, line + 1)) {
            String[] cells = lines.get(line).split(",", -1);
            if (cells.length != names.length) {
                error(
                        line + 1,
                        1,
                        "expected "
                                + names.length
                                + " cells (the asset and its "
                                + columns
                                + "), found "
                                + cells.length);
                continue;
            }
            String asset = cells[0].strip();
            Integer first = firstLine.putIfAbsent(asset, line + 1);
            if (asset.isEmpty()) {
                error(line + 1, 1, "missing the asset id");
                continue;
            } else if (first != null) {
                error(line + 1, 1, "asset '" + asset + "' is listed twice, first on line " + first);
                continue;
            }
            Map<String, Double> levels = new HashMap<>();
            for (int i = 1; i < cells.length; i++) {
                Double level = number(cells[i].strip());
                if (level != null) {
                    levels.put(columns.get(i - 1), level);
                } else if (!cells[i].isBlank()) {
                    error(
                            line,
                            i,
                            cells,
                            "expected a number for "
                                    + columns.get(i - 1)
                                    + " (or an empty cell, to learn it from the readings), found '"
                                    + cells[i].strip()
                                    + "'");
                }
            }
            assets.put(asset, levels);
        }
        return errors.size() == before ? new PipelineSpec.EarlyLevels(shown, assets) : null;
    }

    /** A finite decimal number, or null. */
    private static Double number(String text) {
        try {
            double value = Double.parseDouble(text);
            return Double.isFinite(value) && !text.matches(".*[a-zA-Z&&[^eE]].*") ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The first line at or after {@code from} that is neither blank nor a comment, or -1. */
    private static int next(List<String> lines, int from) {
        for (int i = from; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A mistake in cell {@code cell} of the 0-based {@code line}, whose cells are {@code cells}.
     */
    private void error(int line, int cell, String[] cells, String message) {
        int column = 1;
        for (int i = 0; i < cell; i++) {
            column += cells[i].length() + 1;
        }
        error(line + 1, column, message);
    }

    private void error(int line, int column, String message) {
        errors.add(new SpecError(shown, line, column, KEY, message));
    }
}
