package io.vigil.bench.e2e;

import io.vigil.models.ModelCard;
import io.vigil.models.ModelLocation;
import io.vigil.models.OnnxModel;
import io.vigil.pipelines.ModelInput;
import io.vigil.pipelines.internal.BatchScoringOperator;
import io.vigil.pipelines.internal.ScoredWindow;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Windows per second through Vigil's inference operator ({@link BatchScoringOperator} in a Flink
 * job: normalization, ONNX Runtime, channel errors, records out) against a bare loop that calls the
 * ONNX Runtime session on the same windows, already normalized, at the same batch size.
 */
final class Inference {

    /** Distinct windows cycled through, so neither side runs on one cached window. */
    private static final int DISTINCT = 4_096;

    /**
     * Each side's median rate, and the median of the rounds' own ratios: the two sides of one round
     * run seconds apart, so their ratio drifts less with the machine than either rate.
     */
    record Figures(
            String model,
            int batch,
            double operatorPerSecond,
            double barePerSecond,
            double ratio,
            double[] roundRatios) {}

    private final ModelLocation location;
    private final ModelCard card;
    private final float[][] windows;

    Inference(ModelLocation location) {
        this.location = location;
        this.card = location.loadCard();
        Random random = new Random(42);
        int channels = card.channelCount();
        float[] mean = card.mean();
        float[] std = card.std();
        windows = new float[DISTINCT][card.windowSize()];
        for (float[] window : windows) {
            for (int i = 0; i < window.length; i++) {
                int c = i % channels;
                window[i] = (float) (mean[c] + std[c] * random.nextGaussian());
            }
        }
    }

    /**
     * Alternates the two sides {@code rounds} times and keeps each side's median, so neither gets
     * the quieter moment of the machine.
     */
    Figures measure(int batch, long count, int rounds) throws Exception {
        double[] bare = new double[rounds];
        double[] operator = new double[rounds];
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            bare[r] = bareLoop(batch, count);
            operator[r] = operator(batch, count);
            ratios[r] = operator[r] / bare[r];
        }
        return new Figures(
                card.name(),
                batch,
                Median.of(operator),
                Median.of(bare),
                Median.of(ratios),
                ratios);
    }

    /** The ONNX Runtime session alone, windows normalized beforehand. */
    private double bareLoop(int batch, long count) {
        int size = card.windowSize();
        int channels = card.channelCount();
        float[] mean = card.mean();
        float[] std = card.std();
        float[] normalized = new float[DISTINCT * size];
        for (int w = 0; w < DISTINCT; w++) {
            for (int i = 0; i < size; i++) {
                int c = i % channels;
                normalized[w * size + i] = (windows[w][i] - mean[c]) / std[c];
            }
        }
        float[] input = new float[batch * size];
        try (OnnxModel session = OnnxModel.open(location)) {
            long batches = count / batch;
            // Warm-up: a third of the run, as for the operator.
            run(session, normalized, input, batch, batches / 3);
            long started = System.nanoTime();
            run(session, normalized, input, batch, batches);
            return batches * batch / ((System.nanoTime() - started) / 1e9);
        }
    }

    private static void run(
            OnnxModel session, float[] normalized, float[] input, int batch, long batches) {
        int size = input.length / batch;
        int perCycle = DISTINCT / batch;
        for (long b = 0; b < batches; b++) {
            System.arraycopy(
                    normalized, (int) (b % perCycle) * batch * size, input, 0, input.length);
            session.run(input, batch);
        }
    }

    /** The Flink operator on a MiniCluster, timed from its first output to its last. */
    private double operator(int batch, long count) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().enableObjectReuse();
        // The first third warms up the JIT and lets the MiniCluster's start-up work settle.
        long warmup = count / 3;
        Timing.reset(warmup);
        env.fromSequence(0, warmup + count - 1)
                .map(new Windows(windows))
                .transform(
                        "score",
                        TypeInformation.of(ScoredWindow.class),
                        new BatchScoringOperator("bench", location, batch, 20))
                .map(Timing::record)
                .sinkTo(new DiscardingSink<>());
        env.execute("inference operator, batch " + batch);
        return (count - 1) / ((Timing.last.get() - Timing.first.get()) / 1e9);
    }

    /** The i-th window of the cycle, as the window operator would emit it. */
    private static final class Windows implements MapFunction<Long, ModelInput> {
        private final float[][] windows;

        Windows(float[][] windows) {
            this.windows = windows;
        }

        @Override
        public ModelInput map(Long i) {
            float[] data = windows[(int) (i % windows.length)];
            return new ModelInput("pump", i * 1000, i * 1000 + 6400, data, 64, 0L);
        }
    }

    /** First and last output after the warm-up, in this JVM (the MiniCluster runs here). */
    static final class Timing {
        static final AtomicLong seen = new AtomicLong();
        static final AtomicLong first = new AtomicLong();
        static final AtomicLong last = new AtomicLong();
        static volatile long skip;

        static void reset(long warmup) {
            seen.set(0);
            skip = warmup;
        }

        static ScoredWindow record(ScoredWindow window) {
            long n = seen.incrementAndGet();
            long now = System.nanoTime();
            if (n == skip + 1) {
                first.set(now);
            }
            last.set(now);
            return window;
        }
    }
}
