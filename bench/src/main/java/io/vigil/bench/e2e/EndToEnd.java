package io.vigil.bench.e2e;

import io.vigil.models.ModelLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The end-to-end harness {@code bench/run} calls: every comparison side by side in one run. */
@Command(
        name = "bench-e2e",
        mixinStandardHelpOptions = true,
        description = "Vigil against its raw parts on one broker and machine.")
public final class EndToEnd implements Callable<Integer> {

    /** Latency's load when the throughput section did not run: about half of a measured maximum. */
    private static final double DEFAULT_MAX_RATE = 20_000;

    @Option(names = "--quick", description = "Smaller runs (under 5 minutes in all).")
    boolean quick;

    @Option(
            names = "--out",
            description = "Folder for results.json and logs.",
            defaultValue = "bench/out")
    Path out;

    @Option(
            names = "--only",
            split = ",",
            description = "Sections to run: throughput, latency, inference, footprint, scaling.")
    List<String> only = new ArrayList<>();

    @Option(
            names = "--qos",
            split = ",",
            description = "Throughput: the QoS levels to compare (default: 0,1).")
    List<Integer> qosLevels = List.of(0, 1);

    @Option(
            names = "--systems",
            split = ",",
            description =
                    "Throughput: the systems to run (bare, buffered, relay, vigil; default all, --quick"
                            + " leaves out buffered), e.g. to profile one.")
    List<String> systems;

    @Option(
            names = "--rounds",
            description =
                    "Throughput and latency: rounds of each comparison or measurement; figures are medians (default 3, quick 1).")
    Integer rounds;

    @Option(
            names = "--readings-per-asset",
            description =
                    "Throughput: readings of each of the 100 pumps (default 3000, quick 1000).")
    Integer readingsPerAsset;

    public static void main(String[] args) {
        System.exit(new CommandLine(new EndToEnd()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        Results results = new Results(out.resolve("results.json"));
        try (Mosquitto broker = Mosquitto.start(out)) {
            if (runs("throughput")) {
                throughput(broker, results);
            }
            if (runs("latency")) {
                latency(broker, results);
            }
            if (runs("footprint")) {
                footprint(broker, results);
            }
            if (runs("scaling")) {
                scaling(broker, results);
            }
        }
        if (runs("inference")) {
            inference(results);
        }
        results.write();
        System.out.println(summary(results));
        return 0;
    }

    private boolean runs(String section) {
        return only.isEmpty() || only.contains(section);
    }

    private void throughput(Mosquitto broker, Results results) throws Exception {
        if (systems == null) {
            systems =
                    quick
                            ? List.of("bare", "relay", "vigil")
                            : List.of("bare", "buffered", "relay", "vigil");
        }
        Throughput bench = new Throughput(out, broker.url());
        int assets = 100;
        int readings = readingsPerAsset != null ? readingsPerAsset : quick ? 1_000 : 3_000;
        long t0 = 1_700_000_000_000L;
        Telemetry warmup = Telemetry.pumps(assets, quick ? 300 : 1_000, 1, t0);
        Telemetry measured = Telemetry.pumps(assets, readings, 1, warmup.endMillis + 60_000);
        Telemetry batchedWarmup = Telemetry.pumps(assets, quick ? 300 : 1_000, 10, t0);
        Telemetry batched = Telemetry.pumps(assets, readings, 10, batchedWarmup.endMillis + 60_000);
        System.out.printf(
                Locale.ROOT,
                "throughput: %d readings of %d pumps, %.0f bytes per reading%n",
                measured.readings,
                assets,
                (double) measured.bytes / measured.readings);
        int n = rounds();
        if (!quick) {
            // --quick has one round of each system, and this round would add a minute to it.
            warmUpRound(bench, qosLevels.get(0), warmup, measured);
        }
        for (int qos : qosLevels) {
            compare(results, bench, n, qos, warmup, measured, "qos" + qos, systems);
        }
        if (systems.contains("bare") && systems.contains("vigil")) {
            compare(
                    results,
                    bench,
                    n,
                    1,
                    batchedWarmup,
                    batched,
                    "batched_qos1",
                    List.of("bare", "vigil"));
        }
    }

    private int rounds() {
        return rounds != null ? rounds : quick ? 1 : 3;
    }

    /**
     * One round of every chosen system that no figure counts. A bare client is compiled within its
     * warm-up run, but Vigil's job keeps the JIT busy for its first two full runs (compiler CPU per
     * run here: 3.2, 1.5, 0.2 and 0.3 s, of 8 to 11 s in all; see {@link ThreadCpu}), so without
     * this round the first comparison would partly measure the compiler rather than the steady
     * state a gateway runs in.
     */
    private void warmUpRound(Throughput bench, int qos, Telemetry warmup, Telemetry measured)
            throws Exception {
        System.out.println("  warm-up round, not counted:");
        for (String system : systems) {
            print(bench.run(system, qos, warmup, measured));
        }
    }

    /**
     * {@code rounds} rounds of the chosen systems in turn on the same telemetry; records each
     * system's median rate and the medians of Vigil's ratio to the others within a round (the
     * systems of one round ran minutes apart, so their ratio drifts less than the rates do).
     */
    private void compare(
            Results results,
            Throughput bench,
            int rounds,
            int qos,
            Telemetry warmup,
            Telemetry measured,
            String label,
            List<String> chosen)
            throws Exception {
        // Each round runs the chosen baselines in order, then Vigil against each of them.
        Map<Baseline, List<Double>> rates = new LinkedHashMap<>();
        Map<Baseline, List<Double>> ratios = new LinkedHashMap<>();
        List<Double> vigil = new ArrayList<>();
        Map<String, List<Double>> cpu = new TreeMap<>();
        for (int round = 0; round < rounds; round++) {
            Map<Baseline, Double> thisRound = new LinkedHashMap<>();
            for (Baseline baseline : Baseline.values()) {
                if (chosen.contains(baseline.system)) {
                    double rate =
                            report(results, bench.run(baseline.system, qos, warmup, measured), cpu);
                    rates.computeIfAbsent(baseline, b -> new ArrayList<>()).add(rate);
                    thisRound.put(baseline, rate);
                }
            }
            if (chosen.contains("vigil")) {
                double v = report(results, bench.run("vigil", qos, warmup, measured), cpu);
                vigil.add(v);
                thisRound.forEach(
                        (baseline, rate) ->
                                ratios.computeIfAbsent(baseline, b -> new ArrayList<>())
                                        .add(v / rate));
            }
        }
        rates.forEach(
                (baseline, values) -> putMedian(results, baseline.system + "_" + label, values));
        putMedian(results, "vigil_" + label, vigil);
        ratios.forEach((baseline, values) -> putMedian(results, baseline.ratioKey + label, values));
        List<String> cpuMedians = new ArrayList<>();
        cpu.forEach(
                (system, micros) -> {
                    double median = Median.of(micros);
                    results.put("throughput", "cpu_us_per_reading_" + system + "_" + label, median);
                    cpuMedians.add(String.format(Locale.ROOT, "%s %.1f µs", system, median));
                });
        if (rounds > 1 && ratios.containsKey(Baseline.BARE)) {
            StringBuilder line =
                    new StringBuilder(
                            String.format(
                                    Locale.ROOT, "  %s, median of %d rounds: ", label, rounds));
            String separator = "Vigil / ";
            for (Map.Entry<Baseline, List<Double>> entry : ratios.entrySet()) {
                List<Double> values = entry.getValue();
                line.append(separator)
                        .append(entry.getKey().printed)
                        .append(String.format(Locale.ROOT, " %.2f", Median.of(values)));
                if (entry.getKey().printsRounds) {
                    line.append(" (rounds ")
                            .append(
                                    values.stream()
                                            .map(x -> String.format(Locale.ROOT, "%.2f", x))
                                            .toList())
                            .append(')');
                }
                separator = ", / ";
            }
            System.out.println(line);
            System.out.printf(
                    Locale.ROOT,
                    "  %s, median CPU per reading in the system's JVM: %s%n",
                    label,
                    String.join(", ", cpuMedians));
        }
    }

    /**
     * The bare clients Vigil is compared with, in the order a round runs them: the name {@code
     * --systems} takes, the results key of Vigil's ratio to it, and how the summary line names it.
     */
    private enum Baseline {
        BARE("bare", "e2e_ratio_", "bare subscriber", true),
        BUFFERED("buffered", "buffered_ratio_", "buffered subscriber", true),
        RELAY("relay", "relay_ratio_", "relay", false);

        final String system;
        final String ratioKey;
        final String printed;
        final boolean printsRounds;

        Baseline(String system, String ratioKey, String printed, boolean printsRounds) {
            this.system = system;
            this.ratioKey = ratioKey;
            this.printed = printed;
            this.printsRounds = printsRounds;
        }
    }

    private static void putMedian(Results results, String key, List<Double> values) {
        if (!values.isEmpty()) {
            results.put("throughput", key, Median.of(values));
        }
    }

    private void latency(Mosquitto broker, Results results) throws Exception {
        Object max = results.get("throughput", "vigil_qos1");
        double maxRate = max instanceof Double rate ? rate : DEFAULT_MAX_RATE;
        double rate = maxRate / 2;
        long t0 = 1_700_000_000_000L;
        Telemetry warmup = Telemetry.pumps(100, 300, 1, t0);
        Telemetry measured =
                Telemetry.pumps(100, quick ? 1_000 : 3_000, 1, warmup.endMillis + 60_000);
        int n = rounds();
        List<Double> p50s = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        List<Double> maxima = new ArrayList<>();
        for (int round = 0; round < n; round++) {
            Latency.Figures figures =
                    new Latency(out, broker.url()).measure(rate, warmup, measured);
            System.out.printf(
                    Locale.ROOT,
                    "latency: window close -> result publish at %.0f readings/s (half of %.0f): p50 %.2f ms, p99 %.2f ms, max %.2f ms over the last %d results; %d GC pauses, longest %.0f ms%n",
                    figures.readingsPerSecond(),
                    maxRate,
                    figures.p50(),
                    figures.p99(),
                    figures.max(),
                    Math.min(10_000, figures.results()),
                    figures.gcPauses(),
                    figures.gcPauseMaxMillis());
            results.add("latency_rounds", figures);
            p50s.add(figures.p50());
            p99s.add(figures.p99());
            maxima.add(figures.max());
        }
        if (n > 1) {
            System.out.printf(
                    Locale.ROOT,
                    "latency, median of %d rounds: p50 %.2f ms, p99 %.2f ms (rounds %s), max %.2f ms%n",
                    n,
                    Median.of(p50s),
                    Median.of(p99s),
                    p99s.stream().map(p -> String.format(Locale.ROOT, "%.2f", p)).toList(),
                    Median.of(maxima));
        }
        results.put("latency", "p50_ms", Median.of(p50s));
        results.put("latency", "p99_ms", Median.of(p99s));
        results.put("latency", "max_ms", Median.of(maxima));
        results.put("summary", "p99_ms", Median.of(p99s));
    }

    private void footprint(Mosquitto broker, Results results) throws Exception {
        Footprint.Figures f = new Footprint(out, broker.url()).measure(5, quick ? 10 : 60);
        System.out.printf(
                Locale.ROOT,
                "footprint: vigil run -Xmx256m, demo pipeline, %d pumps: RSS %.0f MB, heap used %.0f of %.0f MB; first start: ready %.1f s, first result %.1f s after launch; restart: ready %.1f s, first result %.1f s%n",
                f.assets(),
                f.rssMb(),
                f.heapUsedMb(),
                f.heapCommittedMb(),
                f.firstStartToReadySeconds(),
                f.firstStartToFirstResultSeconds(),
                f.restartToReadySeconds(),
                f.restartToFirstResultSeconds());
        System.out.printf(
                Locale.ROOT,
                "bandwidth: in %d bytes (%d messages), out %d bytes (%d messages) in %.0f s: %.1f kB/s in, %.2f kB/s out, %.0fx less%n",
                f.bytesIn(),
                f.messagesIn(),
                f.bytesOut(),
                f.messagesOut(),
                f.seconds(),
                f.bytesIn() / f.seconds() / 1000,
                f.bytesOut() / f.seconds() / 1000,
                (double) f.bytesIn() / Math.max(1, f.bytesOut()));
        results.put("footprint", "figures", f);
        results.put("summary", "rss_mb", f.rssMb());
        results.put("summary", "first_result_s", f.restartToFirstResultSeconds());
    }

    private void scaling(Mosquitto broker, Results results) throws Exception {
        Scaling bench = new Scaling(out, broker.url());
        long total = quick ? 100_000 : 400_000;
        int[] assetCounts = quick ? new int[] {10, 100, 1_000} : new int[] {10, 100, 1_000, 10_000};
        List<Scaling.Point> points = new ArrayList<>();
        for (int assets : assetCounts) {
            points.add(
                    report(
                            results,
                            bench.measure(assets, (int) Math.max(100, total / assets), "1s")));
        }
        // The job's fixed heap (operators, buffers, model) dominates a few assets: the slope
        // between
        // the fewest and the most assets is what each added asset costs.
        Scaling.Point few = points.get(0);
        Scaling.Point many = points.get(points.size() - 1);
        double slope = (many.stateMb() - few.stateMb()) * 1024 / (many.assets() - few.assets());
        System.out.printf(
                Locale.ROOT,
                "scaling: state grows by %.1f kB per asset (%d -> %d assets)%n",
                slope,
                few.assets(),
                many.assets());
        results.put("scaling", "state_kb_per_added_asset", slope);
        for (String hop :
                quick
                        ? new String[] {"200ms", "6.4s"}
                        : new String[] {"100ms", "500ms", "3.2s", "6.4s"}) {
            report(results, bench.measure(100, (int) (total / 100), hop));
        }
    }

    private static Scaling.Point report(Results results, Scaling.Point p) {
        System.out.printf(
                Locale.ROOT,
                "scaling: %5d assets, hop %-6s %8.0f readings/s %7.0f windows/s  state %6.1f MB (%.1f kB per asset)%n",
                p.assets(),
                p.hop(),
                p.readingsPerSecond(),
                p.windowsPerSecond(),
                p.stateMb(),
                p.stateKbPerAsset());
        results.add("scaling_runs", p);
        return p;
    }

    /** The last line bench/run prints: the five headline figures. */
    private static String summary(Results results) {
        return String.format(
                Locale.ROOT,
                "e2e_ratio=%s p99_ms=%s infer_ratio=%s rss_mb=%s first_result_s=%s",
                figure(results.get("throughput", "e2e_ratio_qos1"), "%.2f"),
                figure(results.get("summary", "p99_ms"), "%.1f"),
                figure(results.get("summary", "infer_ratio"), "%.2f"),
                figure(results.get("summary", "rss_mb"), "%.0f"),
                figure(results.get("summary", "first_result_s"), "%.1f"));
    }

    private static String figure(Object value, String format) {
        return value instanceof Double d ? String.format(Locale.ROOT, format, d) : "n/a";
    }

    private void inference(Results results) throws Exception {
        Inference bench = new Inference(ModelLocation.shipped("pump-transformer"));
        // Slices of about 30 ms on this machine (batch 1 scores about a third as many windows per
        // second), short enough that both sides of a pair see the machine at the same speed.
        int pairs = quick ? 100 : 300;
        for (int batch : new int[] {1, 32}) {
            Inference.Figures f = bench.measure(batch, batch == 1 ? 256 : 1_024, pairs);
            System.out.printf(
                    Locale.ROOT,
                    "inference: %s batch %2d  operator %8.0f windows/s  bare ONNX Runtime %8.0f windows/s  ratio %.3f (%d pairs of slices, middle half %s)%n",
                    f.model(),
                    f.batch(),
                    f.operatorPerSecond(),
                    f.barePerSecond(),
                    f.ratio(),
                    f.pairRatios().length,
                    f.spread());
            results.add("inference_runs", f);
            if (batch == 32) {
                results.put("summary", "infer_ratio", f.ratio());
            }
        }
    }

    /** Prints and records one run; returns its readings per second. */
    private static double report(
            Results results, Throughput.Run run, Map<String, List<Double>> cpu) {
        cpu.computeIfAbsent(run.system(), k -> new ArrayList<>()).add(run.cpuMicrosPerReading());
        print(run);
        results.add("throughput_runs", run);
        return run.readingsPerSecond();
    }

    private static void print(Throughput.Run run) {
        System.out.printf(
                Locale.ROOT,
                "  %-16s qos %d  %2d reading(s)/msg  %8.0f readings/s  (%d readings in %.2f s; CPU %.1f µs per reading: %s)%n",
                run.system(),
                run.qos(),
                run.perMessage(),
                run.readingsPerSecond(),
                run.readings(),
                run.seconds(),
                run.cpuMicrosPerReading(),
                String.join(
                        ", ",
                        run.cpuMicrosPerReadingByThread().entrySet().stream()
                                .filter(group -> group.getValue() >= 0.05)
                                .map(
                                        group ->
                                                String.format(
                                                        Locale.ROOT,
                                                        "%s %.1f",
                                                        group.getKey(),
                                                        group.getValue()))
                                .toList()));
    }
}
