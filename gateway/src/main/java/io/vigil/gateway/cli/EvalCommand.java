package io.vigil.gateway.cli;

import io.vigil.gateway.eval.CmapssDataset;
import io.vigil.gateway.eval.Evaluation;
import io.vigil.gateway.eval.Evaluation.Counts;
import io.vigil.gateway.eval.Evaluation.Prediction;
import io.vigil.gateway.eval.SkabDataset;
import io.vigil.pipelines.spec.ConfigException;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil eval}: replays a benchmark through a pipeline, exactly as the gateway runs it, and
 * scores the pipeline's own decisions. Anomaly pipelines on SKAB-format folders print F1, FAR and
 * MAR; RUL pipelines on C-MAPSS test sets print RMSE and the PHM08 score. The last line is
 * machine-readable.
 */
@Command(
        name = "eval",
        description =
                "Replay a labelled dataset through a pipeline and score its decisions (SKAB format for"
                        + " anomaly pipelines, C-MAPSS test sets for RUL pipelines).")
final class EvalCommand implements Callable<Integer> {

    @Spec CommandSpec command;

    @Parameters(paramLabel = "PIPELINE.yaml", description = "The pipeline file.")
    Path file;

    @Option(names = "--data", required = true, description = "The dataset folder.")
    Path data;

    @Option(
            names = "--fit-rows",
            defaultValue = "400",
            description =
                    "SKAB: rows at the start of each file that are its training part, not scored"
                            + " (default: ${DEFAULT-VALUE}, the SKAB protocol).")
    int fitRows;

    @Option(
            names = "--true-rul-cap",
            defaultValue = "125",
            description =
                    "C-MAPSS: cap on the true RUL, as in the usual piecewise-linear target; 0 for"
                            + " none (default: ${DEFAULT-VALUE}).")
    double trueRulCap;

    @Option(
            names = "--predictions",
            paramLabel = "FILE.csv",
            description =
                    "C-MAPSS: also write each unit's prediction, true RUL (capped by"
                            + " --true-rul-cap) and error to this CSV file, to see which engines"
                            + " the model gets wrong.")
    Path predictionsFile;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        PipelineSpec spec;
        try {
            spec = PipelineParser.parse(file);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (!Files.isDirectory(data)) {
            err.println(data + ": no such folder");
            return 2;
        }
        if (predictionsFile != null && !spec.model().predictsRul()) {
            err.println(
                    "--predictions: per-unit predictions come from RUL pipelines; "
                            + file
                            + " is an anomaly pipeline");
            return 2;
        }
        try {
            if (spec.model().predictsRul()) {
                remainingLife(spec, out);
            } else {
                anomalies(spec, out);
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        out.flush();
        return 0;
    }

    private void anomalies(PipelineSpec spec, PrintWriter out) throws Exception {
        List<SkabDataset.Experiment> experiments = SkabDataset.read(data);
        if (experiments.isEmpty()) {
            throw new IllegalArgumentException(
                    data
                            + ": no labelled SKAB-format files (';'-separated, datetime and anomaly columns)");
        }
        Map<String, Counts> counts = Evaluation.anomalies(spec, experiments, fitRows);
        out.printf(
                "%-24s %6s %6s %6s %6s %7s %7s %7s%n",
                "recording", "TP", "FP", "FN", "TN", "F1", "FAR", "MAR");
        counts.forEach((asset, c) -> out.println(row(asset, c)));
        Counts total = Evaluation.total(counts);
        out.println(row("all", total));
        out.printf(
                Locale.ROOT, "F1=%.3f FAR=%.3f MAR=%.3f%n", total.f1(), total.far(), total.mar());
    }

    private static String row(String name, Counts c) {
        return String.format(
                Locale.ROOT,
                "%-24s %6d %6d %6d %6d %7.3f %7.3f %7.3f",
                name,
                c.truePositives(),
                c.falsePositives(),
                c.falseNegatives(),
                c.trueNegatives(),
                c.f1(),
                c.far(),
                c.mar());
    }

    private void remainingLife(PipelineSpec spec, PrintWriter out) throws Exception {
        List<CmapssDataset.Unit> units = CmapssDataset.read(data);
        if (units.isEmpty()) {
            throw new IllegalArgumentException(
                    data + ": no C-MAPSS test set (test_FD00x.txt with RUL_FD00x.txt)");
        }
        List<Prediction> predictions =
                Evaluation.remainingLife(spec, units, trueRulCap > 0 ? trueRulCap : Double.NaN);
        if (predictionsFile != null) {
            writePredictions(predictions);
        }
        Map<String, List<Prediction>> bySubset = new TreeMap<>();
        predictions.forEach(
                p -> bySubset.computeIfAbsent(p.subset(), s -> new ArrayList<>()).add(p));
        List<String> last = new ArrayList<>();
        for (Map.Entry<String, List<Prediction>> subset : bySubset.entrySet()) {
            double rmse = Evaluation.rmse(subset.getValue());
            double score = Evaluation.phm08(subset.getValue());
            out.printf(
                    Locale.ROOT,
                    "%s: %d units, RMSE %.2f, PHM08 score %.1f%n",
                    subset.getKey(),
                    subset.getValue().size(),
                    rmse,
                    score);
            last.add(
                    (bySubset.size() == 1 ? "" : subset.getKey() + " ")
                            + String.format(Locale.ROOT, "RMSE=%.2f SCORE=%.1f", rmse, score));
        }
        out.println(String.join("; ", last));
    }

    /** One CSV row per unit; a file that cannot be written is the operator's error, not a crash. */
    private void writePredictions(List<Prediction> predictions) {
        StringBuilder csv = new StringBuilder("subset,unit,predicted,true,error\n");
        for (Prediction p : predictions) {
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%s,%s,%.3f,%.3f,%.3f\n",
                            p.subset(),
                            p.asset(),
                            p.predicted(),
                            p.actual(),
                            p.predicted() - p.actual()));
        }
        try {
            Files.writeString(predictionsFile, csv);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    predictionsFile + ": cannot write the predictions (" + e + ")", e);
        }
    }
}
