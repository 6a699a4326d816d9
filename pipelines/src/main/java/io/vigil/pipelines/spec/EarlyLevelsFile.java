package io.vigil.pipelines.spec;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
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
 * then one row per asset; an empty cell leaves that level to the readings. A level must be a
 * plausible reading of its channel (within its {@code min} and {@code max}). Blank lines and lines
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
     * @param file the CSV file, UTF-8
     * @param sources the input channels that an early-mean is derived from
     * @param errors where mistakes are added
     * @return the levels, or null when the file has mistakes (they are in {@code errors})
     * @throws IOException when the file cannot be read or is not UTF-8 text
     */
    static PipelineSpec.EarlyLevels read(
            Path file, List<PipelineSpec.Channel> sources, List<SpecError> errors)
            throws IOException {
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(file));
        } catch (MalformedInputException e) {
            throw new IOException("not UTF-8 text", e);
        }
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            lines.set(0, lines.get(0).substring(1)); // the byte-order mark spreadsheets write
        }
        Map<String, PipelineSpec.Channel> byName = new LinkedHashMap<>();
        sources.forEach(c -> byName.put(c.name(), c));
        return new EarlyLevelsFile(file, errors).read(lines, byName);
    }

    private PipelineSpec.EarlyLevels read(
            List<String> lines, Map<String, PipelineSpec.Channel> sources) {
        List<String> channels = List.copyOf(sources.keySet());
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
            error(
                    header,
                    0,
                    names,
                    "the first column must be 'asset', found '" + names[0].strip() + "'");
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

        Map<String, Map<String, Double>> assets = new HashMap<>();
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
            boolean any = false;
            for (int i = 1; i < cells.length; i++) {
                any |= !cells[i].isBlank();
                Double level = number(cells[i].strip());
                PipelineSpec.Channel channel = sources.get(columns.get(i - 1));
                if (level != null && channel != null) {
                    if (!channel.plausible(level.floatValue())) {
                        error(
                                line,
                                i,
                                cells,
                                "the level of "
                                        + channel.name()
                                        + ", "
                                        + cells[i].strip()
                                        + ", is not a plausible reading: expected ["
                                        + channel.min()
                                        + ", "
                                        + channel.max()
                                        + "]");
                    }
                    levels.put(channel.name(), level);
                } else if (level == null && !cells[i].isBlank()) {
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
            if (!any) {
                error(
                        line + 1,
                        1,
                        "no level for '"
                                + asset
                                + "': leave the asset out to learn all its levels from its readings");
            }
            assets.put(asset, levels);
        }
        return errors.size() == before ? new PipelineSpec.EarlyLevels(shown, assets) : null;
    }

    /** A decimal number that a float (as readings are kept) holds, or null. */
    private static Double number(String text) {
        try {
            double value = Double.parseDouble(text);
            return Math.abs(value) <= Float.MAX_VALUE && !text.matches(".*[a-zA-Z&&[^eE]].*")
                    ? value
                    : null;
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
