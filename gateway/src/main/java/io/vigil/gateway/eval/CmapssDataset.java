package io.vigil.gateway.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * NASA C-MAPSS test sets: {@code test_FD00x.txt} (space-separated: unit, cycle, three operating
 * settings, 21 sensors) with {@code RUL_FD00x.txt} (the true remaining life after each unit's last
 * cycle, one line per unit). Columns are named {@code cycle} (the engine's age in cycles, as an
 * engine reports it), {@code setting1..setting3} and {@code s1..s21}.
 */
public final class CmapssDataset {

    /** The column names, in file order after the unit. */
    public static final List<String> COLUMNS = columns();

    private static final Pattern TEST = Pattern.compile("test_(FD\\d{3})\\.txt");

    /**
     * One test unit's trajectory.
     *
     * @param subset FD001, FD003, ...
     * @param asset the asset id, e.g. {@code FD001-unit-7}
     * @param cycles the cycles, in order
     * @param values per cycle, one value per column of {@link #COLUMNS}
     * @param trueRul the remaining useful life after the last cycle
     */
    public record Unit(
            String subset, String asset, int[] cycles, double[][] values, double trueRul) {

        /** The values of one column of {@link #COLUMNS}, or {@code null} for another name. */
        public double[] column(String name) {
            int c = COLUMNS.indexOf(name);
            return c < 0 ? null : Evaluation.column(values, c);
        }
    }

    private CmapssDataset() {}

    /** Every test unit of every subset in {@code dir} that has both its test and RUL files. */
    public static List<Unit> read(Path dir) throws IOException {
        List<Path> tests;
        try (Stream<Path> files = Files.list(dir)) {
            tests =
                    files.filter(f -> TEST.matcher(f.getFileName().toString()).matches())
                            .sorted()
                            .toList();
        }
        List<Unit> units = new ArrayList<>();
        for (Path test : tests) {
            Matcher m = TEST.matcher(test.getFileName().toString());
            m.matches();
            String subset = m.group(1);
            Path rulFile = dir.resolve("RUL_" + subset + ".txt");
            if (!Files.exists(rulFile)) {
                throw new IllegalArgumentException(test + " has no " + rulFile.getFileName());
            }
            List<String> rul =
                    Files.readAllLines(rulFile).stream()
                            .map(String::strip)
                            .filter(l -> !l.isEmpty())
                            .toList();
            Map<Integer, List<double[]>> rows = new LinkedHashMap<>();
            for (String line : Files.readAllLines(test)) {
                String[] cells = line.strip().split("\\s+");
                if (cells.length < 1 + COLUMNS.size()) {
                    continue;
                }
                double[] row = new double[COLUMNS.size()];
                for (int c = 0; c < COLUMNS.size(); c++) {
                    row[c] = Double.parseDouble(cells[1 + c]);
                }
                rows.computeIfAbsent(Integer.parseInt(cells[0]), u -> new ArrayList<>()).add(row);
            }
            if (rows.size() != rul.size()) {
                throw new IllegalArgumentException(
                        test
                                + " has "
                                + rows.size()
                                + " units but "
                                + rulFile.getFileName()
                                + " has "
                                + rul.size()
                                + " lines");
            }
            int i = 0;
            for (Map.Entry<Integer, List<double[]>> unit : rows.entrySet()) {
                List<double[]> cyclesOfUnit = unit.getValue();
                int[] cycles = new int[cyclesOfUnit.size()];
                double[][] values = new double[cycles.length][];
                for (int r = 0; r < cycles.length; r++) {
                    double[] row = cyclesOfUnit.get(r);
                    cycles[r] = (int) row[0];
                    values[r] = row;
                }
                units.add(
                        new Unit(
                                subset,
                                subset + "-unit-" + unit.getKey(),
                                cycles,
                                values,
                                Double.parseDouble(rul.get(i++))));
            }
        }
        return units;
    }

    private static List<String> columns() {
        List<String> names = new ArrayList<>(List.of("cycle", "setting1", "setting2", "setting3"));
        for (int s = 1; s <= 21; s++) {
            names.add("s" + s);
        }
        return List.copyOf(names);
    }
}
