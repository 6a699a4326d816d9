package io.vigil.gateway.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.TopicTemplate;
import io.vigil.pipelines.spec.PipelineSpec;
import io.vigil.pipelines.spec.PipelineSpec.Channel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a benchmark the way the gateway would run it: each recording becomes one asset's messages
 * on the pipeline's topic, replayed through the real pipeline ({@link Replay}), and the pipeline's
 * own decisions are compared with the labels.
 *
 * <p>Recordings are replayed one after the other; each is shifted in time to start an hour after
 * the previous one ended, so event time only moves forward and no recording's readings are late for
 * another's windows. An asset's first windows are its own, so a pipeline that calibrates per asset
 * calibrates on each recording's start, as the benchmarks' protocols fit on it.
 */
public final class Evaluation {

    private static final long START = 1_600_000_000_000L;
    private static final long GAP = 3_600_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Evaluation() {}

    /** Point-wise confusion counts. */
    public record Counts(
            long truePositives, long falsePositives, long falseNegatives, long trueNegatives) {

        Counts plus(Counts other) {
            return new Counts(
                    truePositives + other.truePositives,
                    falsePositives + other.falsePositives,
                    falseNegatives + other.falseNegatives,
                    trueNegatives + other.trueNegatives);
        }

        public double f1() {
            double denominator = 2.0 * truePositives + falsePositives + falseNegatives;
            return denominator == 0 ? 0 : 2.0 * truePositives / denominator;
        }

        /** False alarms among the normal points. */
        public double far() {
            long normal = falsePositives + trueNegatives;
            return normal == 0 ? 0 : (double) falsePositives / normal;
        }

        /** Missed alarms among the anomalous points. */
        public double mar() {
            long anomalous = falseNegatives + truePositives;
            return anomalous == 0 ? 0 : (double) falseNegatives / anomalous;
        }
    }

    /**
     * SKAB's outlier protocol: each experiment's first {@code fitRows} rows are its training part
     * (the pipeline sees them, and may calibrate on them); the rest is scored point by point. A
     * point's decision is the alarm state after the newest window that ends with it, so the
     * decision is causal, as on a gateway.
     *
     * @return counts per experiment, in order
     */
    public static Map<String, Counts> anomalies(
            PipelineSpec spec, List<SkabDataset.Experiment> experiments, int fitRows)
            throws Exception {
        List<InboundMessage> messages = new ArrayList<>();
        Map<String, long[]> shifted = new LinkedHashMap<>();
        long cursor = START;
        for (SkabDataset.Experiment e : experiments) {
            long[] times = new long[e.times().length];
            long offset = cursor - e.times()[0];
            double[][] columns = columnsOf(spec, e.asset(), e::column);
            for (int r = 0; r < times.length; r++) {
                times[r] = e.times()[r] + offset;
                messages.add(message(spec, e.asset(), times[r], columns, r));
            }
            shifted.put(e.asset(), times);
            cursor = align(times[times.length - 1] + GAP);
        }
        Map<String, List<WindowResult>> windows = byAsset(Replay.run(spec, messages));
        long cell = cellMillis(spec);
        Map<String, Counts> counts = new LinkedHashMap<>();
        for (SkabDataset.Experiment e : experiments) {
            boolean[] decided = decisions(shifted.get(e.asset()), windows.get(e.asset()), cell);
            long tp = 0, fp = 0, fn = 0, tn = 0;
            for (int r = fitRows; r < decided.length; r++) {
                boolean label = e.anomaly()[r];
                if (decided[r] && label) {
                    tp++;
                } else if (decided[r]) {
                    fp++;
                } else if (label) {
                    fn++;
                } else {
                    tn++;
                }
            }
            counts.put(e.asset(), new Counts(tp, fp, fn, tn));
        }
        return counts;
    }

    /** The sum of all experiments' counts. */
    public static Counts total(Map<String, Counts> counts) {
        return counts.values().stream().reduce(new Counts(0, 0, 0, 0), Counts::plus);
    }

    /** One test unit's prediction from its last window. */
    public record Prediction(String subset, String asset, double predicted, double actual) {}

    /**
     * C-MAPSS's protocol: one prediction per test unit, from its last window. Cycle {@code c} is
     * replayed at {@code c} seconds of event time.
     *
     * @param trueRulCap the cap applied to the true RUL (the usual piecewise-linear target), or NaN
     *     for none
     */
    public static List<Prediction> remainingLife(
            PipelineSpec spec, List<CmapssDataset.Unit> units, double trueRulCap) throws Exception {
        List<InboundMessage> messages = new ArrayList<>();
        long cursor = START;
        for (CmapssDataset.Unit u : units) {
            double[][] columns = columnsOf(spec, u.asset(), u::column);
            for (int r = 0; r < u.cycles().length; r++) {
                messages.add(message(spec, u.asset(), cursor + u.cycles()[r] * 1000L, columns, r));
            }
            cursor = align(cursor + u.cycles()[u.cycles().length - 1] * 1000L + GAP);
        }
        Map<String, List<WindowResult>> windows = byAsset(Replay.run(spec, messages));
        List<Prediction> predictions = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (CmapssDataset.Unit u : units) {
            List<WindowResult> unitWindows = windows.get(u.asset());
            if (unitWindows == null || unitWindows.isEmpty()) {
                missing.add(u.asset() + " (" + u.cycles().length + " cycles)");
                continue;
            }
            double actual =
                    Double.isNaN(trueRulCap) ? u.trueRul() : Math.min(u.trueRul(), trueRulCap);
            predictions.add(
                    new Prediction(
                            u.subset(),
                            u.asset(),
                            unitWindows.get(unitWindows.size() - 1).score(),
                            actual));
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "No window for "
                            + missing.size()
                            + " unit(s), too short for the pipeline's window of "
                            + spec.window().rows()
                            + " rows, of which window.min-coverage ("
                            + spec.window().minCoverage()
                            + ") must be the unit's own cycles: "
                            + missing);
        }
        return predictions;
    }

    /** Root mean square error of the predictions. */
    public static double rmse(List<Prediction> predictions) {
        double sum = 0;
        for (Prediction p : predictions) {
            double d = p.predicted() - p.actual();
            sum += d * d;
        }
        return Math.sqrt(sum / predictions.size());
    }

    /** The PHM08 score: late predictions (d > 0) cost more than early ones. */
    public static double phm08(List<Prediction> predictions) {
        double sum = 0;
        for (Prediction p : predictions) {
            double d = p.predicted() - p.actual();
            sum += d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1;
        }
        return sum;
    }

    // ---- replay helpers ----

    private interface Columns {
        double[] column(String name);
    }

    /** Column {@code c} of a recording's rows. */
    static double[] column(double[][] rows, int c) {
        double[] column = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            column[r] = rows[r][c];
        }
        return column;
    }

    /** The recording's values for each of the pipeline's input channels, in input order. */
    private static double[][] columnsOf(PipelineSpec spec, String asset, Columns source) {
        List<Channel> inputs = spec.source().inputs();
        double[][] columns = new double[inputs.size()][];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = source.column(inputs.get(i).field());
            if (columns[i] == null) {
                throw new IllegalArgumentException(
                        "Pipeline '"
                                + spec.name()
                                + "' reads channel '"
                                + inputs.get(i).name()
                                + "' from field '"
                                + inputs.get(i).field()
                                + "', which recording "
                                + asset
                                + " does not have");
            }
        }
        return columns;
    }

    private static InboundMessage message(
            PipelineSpec spec, String asset, long time, double[][] columns, int row) {
        PipelineSpec.Source source = spec.source();
        if (source.format() != PipelineSpec.PayloadFormat.JSON
                || source.oneChannelPerReading()
                || source.assetPointer() != null) {
            throw new IllegalArgumentException(
                    "vigil eval replays JSON readings with one field per channel and the asset in the topic;"
                            + " pipeline '"
                            + spec.name()
                            + "' reads "
                            + source.format().yaml()
                            + " differently");
        }
        ObjectNode reading = JSON.createObjectNode();
        String ts = plain(source.timestampField());
        switch (source.timestampFormat()) {
            case EPOCH_SECONDS -> reading.put(ts, time / 1000.0);
            case EPOCH_MICROS -> reading.put(ts, time * 1000L);
            case ISO_8601 -> reading.put(ts, Instant.ofEpochMilli(time).toString());
            default -> reading.put(ts, time);
        }
        for (int i = 0; i < columns.length; i++) {
            reading.put(plain(source.inputs().get(i).field()), columns[i][row]);
        }
        try {
            return new InboundMessage(
                    topic(source.topics().get(0), asset), JSON.writeValueAsBytes(reading), time);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String plain(String field) {
        return field.startsWith("/") ? field.substring(1) : field;
    }

    /**
     * A concrete topic of the template for {@code asset}: other named levels and wildcards become
     * "eval".
     */
    private static String topic(TopicTemplate template, String asset) {
        if (template.assetLevel() < 0) {
            throw new IllegalArgumentException(
                    "vigil eval needs {asset} in the topic template, found " + template.template());
        }
        String[] levels = template.template().split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            levels[i] =
                    i == template.assetLevel()
                            ? asset
                            : levels[i].startsWith("{")
                                            || levels[i].equals("+")
                                            || levels[i].equals("#")
                                    ? "eval"
                                    : levels[i];
        }
        return String.join("/", levels);
    }

    private static Map<String, List<WindowResult>> byAsset(List<WindowResult> results) {
        Map<String, List<WindowResult>> byAsset = new HashMap<>();
        for (WindowResult r : results) {
            byAsset.computeIfAbsent(r.asset(), a -> new ArrayList<>()).add(r);
        }
        byAsset.values().forEach(l -> l.sort(Comparator.comparingLong(WindowResult::end)));
        return byAsset;
    }

    /**
     * The grid cell of a window's last row: a point belongs to windows ending within one cell after
     * it.
     */
    private static long cellMillis(PipelineSpec spec) {
        return spec.window().samplePeriod() == null ? 1 : spec.window().samplePeriod().toMillis();
    }

    /** Each point's decision: the alarm after the newest window that ends with or before it. */
    private static boolean[] decisions(long[] times, List<WindowResult> windows, long cell) {
        boolean[] decided = new boolean[times.length];
        if (windows == null) {
            return decided;
        }
        int w = -1;
        for (int r = 0; r < times.length; r++) {
            while (w + 1 < windows.size() && windows.get(w + 1).end() <= times[r] + cell) {
                w++;
            }
            decided[r] = w >= 0 && windows.get(w).alarm();
        }
        return decided;
    }

    private static long align(long time) {
        return (time / 60_000 + 1) * 60_000;
    }
}
