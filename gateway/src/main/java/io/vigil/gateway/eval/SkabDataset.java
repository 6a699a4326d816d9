package io.vigil.gateway.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Labelled experiments in the SKAB format: {@code ;}-separated CSV files with a {@code datetime}
 * column, sensor columns and an {@code anomaly} label, one experiment (one asset) per file, in any
 * folder layout below the data folder. Files without an {@code anomaly} column (SKAB's anomaly-free
 * recording) are not part of the evaluation.
 */
public final class SkabDataset {

    private static final DateTimeFormatter DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /**
     * One experiment.
     *
     * @param asset an asset id made of the file's path below the data folder
     * @param times each row's time, epoch ms, as recorded
     * @param columns the sensor column names
     * @param values per row, one value per sensor column
     * @param anomaly per row, the label
     */
    public record Experiment(
            String asset,
            long[] times,
            List<String> columns,
            double[][] values,
            boolean[] anomaly) {

        /** The values of one column, or {@code null} when the file has no such column. */
        public double[] column(String name) {
            int c = columns.indexOf(name);
            return c < 0 ? null : Evaluation.column(values, c);
        }
    }

    private SkabDataset() {}

    /** Every labelled experiment below {@code dir}, in path order. */
    public static List<Experiment> read(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        List<Experiment> experiments = new ArrayList<>();
        for (Path file : files) {
            Experiment experiment = read(dir, file);
            if (experiment != null) {
                experiments.add(experiment);
            }
        }
        return experiments;
    }

    private static Experiment read(Path dir, Path file) {
        try {
            List<String> lines =
                    Files.readAllLines(file).stream()
                            .map(String::strip)
                            .filter(l -> !l.isEmpty())
                            .toList();
            List<String> header = Arrays.asList(lines.get(0).split(";", -1));
            int label = header.indexOf("anomaly");
            if (label < 0 || !header.get(0).equals("datetime")) {
                return null;
            }
            List<String> columns = new ArrayList<>();
            List<Integer> sensorIndex = new ArrayList<>();
            for (int c = 1; c < header.size(); c++) {
                if (!header.get(c).equals("anomaly") && !header.get(c).equals("changepoint")) {
                    columns.add(header.get(c));
                    sensorIndex.add(c);
                }
            }
            int rows = lines.size() - 1;
            long[] times = new long[rows];
            double[][] values = new double[rows][columns.size()];
            boolean[] anomaly = new boolean[rows];
            for (int r = 0; r < rows; r++) {
                String[] cells = lines.get(r + 1).split(";", -1);
                times[r] =
                        LocalDateTime.parse(cells[0], DATETIME)
                                .toInstant(ZoneOffset.UTC)
                                .toEpochMilli();
                for (int c = 0; c < columns.size(); c++) {
                    values[r][c] = Double.parseDouble(cells[sensorIndex.get(c)]);
                }
                anomaly[r] = Double.parseDouble(cells[label]) > 0.5;
            }
            String relative = dir.relativize(file).toString().replace(".csv", "");
            String asset = relative.replaceAll("[^A-Za-z0-9]+", "-");
            return new Experiment(asset, times, columns, values, anomaly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    file + ": not a SKAB-format file: " + e.getMessage(), e);
        }
    }
}
