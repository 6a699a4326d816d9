package io.vigil.bench.e2e;

import io.vigil.models.ModelCard;
import io.vigil.models.ModelLocation;
import io.vigil.models.OnnxModel;
import io.vigil.pipelines.ModelInput;
import io.vigil.pipelines.internal.BatchScoringOperator;
import io.vigil.pipelines.internal.ScoredWindow;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Windows per second through Vigil's inference operator ({@link BatchScoringOperator} in a Flink
 * job: normalization, ONNX Runtime, channel errors, records out) against a bare loop that calls the
 * ONNX Runtime session on the same windows, already normalized, at the same batch size.
 *
 * <p>The two sides take turns in short slices on one thread, the job's task thread: the job stays
 * up, and at each slice boundary its source takes the next turn from {@link Gate}, either a slice
 * of the bare loop, which it runs there, or a slice of windows through the job. This machine's
 * speed drifts by up to ±20 % over seconds (docs/benchmarks.md), which whole rounds of several
 * seconds per side turned into ratios from 0.7 to 1.2 for the same code; two slices some 30 ms
 * apart, on the same thread and so on the same core, see the same machine. Each slice is timed on
 * that thread, from its first window to its last scored one, so no hand-off between threads is
 * counted.
 */
final class Inference {

    /** Distinct windows cycled through, so neither side runs on one cached window. */
    private static final int DISTINCT = 4_096;

    /** Pairs of slices run and discarded first: JIT compilation, ONNX Runtime's first calls. */
    private static final int WARMUP_PAIRS = 60;

    /**
     * Each side's median rate over the slices, and the median of the pairs' own ratios (a pair: one
     * operator slice and one bare slice, back to back, the order alternating).
     */
    record Figures(
            String model,
            int batch,
            double operatorPerSecond,
            double barePerSecond,
            double ratio,
            double[] pairRatios) {

        /** The middle half of the pairs' ratios, as "low–high". */
        String spread() {
            double[] sorted = pairRatios.clone();
            Arrays.sort(sorted);
            return String.format(
                    Locale.ROOT,
                    "%.3f–%.3f",
                    sorted[sorted.length / 4],
                    sorted[(3 * sorted.length - 1) / 4]);
        }
    }

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
     * {@code pairs} pairs of slices of {@code slice} windows each (a multiple of {@code batch}, so
     * every batch of the operator is full and none waits for its timer).
     */
    Figures measure(int batch, int slice, int pairs) throws Exception {
        if (slice % batch != 0) {
            throw new IllegalArgumentException("slice must be a multiple of the batch size");
        }
        double[] operator = new double[pairs];
        double[] bare = new double[pairs];
        double[] ratios = new double[pairs];
        try (OperatorJob job = new OperatorJob(batch, slice);
                BareLoop loop = new BareLoop(batch)) {
            for (int p = 0; p < WARMUP_PAIRS; p++) {
                job.operatorSlice();
                job.bareSlice(loop);
            }
            for (int p = 0; p < pairs; p++) {
                if (p % 2 == 0) {
                    operator[p] = job.operatorSlice();
                    bare[p] = job.bareSlice(loop);
                } else {
                    bare[p] = job.bareSlice(loop);
                    operator[p] = job.operatorSlice();
                }
                ratios[p] = operator[p] / bare[p];
            }
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
    private final class BareLoop implements AutoCloseable {
        private final OnnxModel session;
        private final float[] normalized;
        private final float[] input;
        private final int batch;
        private long next;

        BareLoop(int batch) {
            this.batch = batch;
            int size = card.windowSize();
            int channels = card.channelCount();
            float[] mean = card.mean();
            float[] std = card.std();
            normalized = new float[DISTINCT * size];
            for (int w = 0; w < DISTINCT; w++) {
                for (int i = 0; i < size; i++) {
                    int c = i % channels;
                    normalized[w * size + i] = (windows[w][i] - mean[c]) / std[c];
                }
            }
            input = new float[batch * size];
            session = OnnxModel.open(location);
        }

        /** Scores {@code count} windows; returns windows per second. */
        double slice(int count) {
            int size = card.windowSize();
            int perCycle = DISTINCT / batch;
            long started = System.nanoTime();
            for (int b = 0; b < count / batch; b++, next++) {
                System.arraycopy(
                        normalized, (int) (next % perCycle) * batch * size, input, 0, input.length);
                session.run(input, batch);
            }
            return count / ((System.nanoTime() - started) / 1e9);
        }

        @Override
        public void close() {
            session.close();
        }
    }

    /**
     * The Flink operator on a MiniCluster in this JVM, driven turn by turn through {@link Gate}.
     */
    private final class OperatorJob implements AutoCloseable {
        private final JobClient job;
        private final int slice;

        OperatorJob(int batch, int slice) throws Exception {
            this.slice = slice;
            Gate.reset(slice);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.getConfig().enableObjectReuse();
            env.fromSequence(0, Long.MAX_VALUE - 1)
                    .map(new Windows(windows))
                    .transform(
                            "score",
                            TypeInformation.of(ScoredWindow.class),
                            new BatchScoringOperator("bench", location, batch, 20))
                    .map(Gate::scored)
                    .sinkTo(new DiscardingSink<>());
            job = env.executeAsync("inference operator, batch " + batch);
        }

        /** One slice of windows through the job; returns windows/s. */
        double operatorSlice() throws InterruptedException {
            return Gate.take(Gate.OPERATOR_TURN);
        }

        /** One slice of the bare loop, run on the job's task thread; returns windows/s. */
        double bareSlice(BareLoop loop) throws InterruptedException {
            return Gate.take(() -> loop.slice(slice));
        }

        @Override
        public void close() throws Exception {
            // The source waits in Gate.turns; cancelling interrupts it.
            job.cancel().get(1, TimeUnit.MINUTES);
        }
    }

    /** The i-th window of the cycle, as the window operator would emit it. */
    private static final class Windows implements MapFunction<Long, ModelInput> {
        private final float[][] windows;

        Windows(float[][] windows) {
            this.windows = windows;
        }

        @Override
        public ModelInput map(Long i) throws InterruptedException {
            if (i % Gate.slice == 0) {
                Gate.nextTurn();
            }
            float[] data = windows[(int) (i % windows.length)];
            return new ModelInput("pump", i * 1000, i * 1000 + 6400, data, 64, 0L);
        }
    }

    /**
     * Between the harness and the job's operators, which run in this JVM (the MiniCluster does):
     * the harness hands in turns, the job's task thread runs them and hands back each slice's rate.
     */
    static final class Gate {
        /** The turn that lets one slice of windows through the job. */
        static final DoubleSupplier OPERATOR_TURN = () -> Double.NaN;

        static final BlockingQueue<DoubleSupplier> turns = new SynchronousQueue<>();
        static final BlockingQueue<Double> rates = new LinkedBlockingQueue<>();
        static final AtomicLong scored = new AtomicLong();
        static volatile long slice;
        static volatile long sliceStarted;

        static void reset(long windowsPerSlice) {
            rates.clear();
            scored.set(0);
            slice = windowsPerSlice;
        }

        /** On the harness's thread: hands in a turn and waits for its rate. */
        static double take(DoubleSupplier turn) throws InterruptedException {
            turns.put(turn);
            Double rate = rates.poll(2, TimeUnit.MINUTES);
            if (rate == null) {
                throw new IllegalStateException("the inference job stopped taking turns");
            }
            return rate;
        }

        /**
         * On the task thread, at a slice boundary: runs bare turns until the next operator turn,
         * whose windows the source then emits.
         */
        static void nextTurn() throws InterruptedException {
            for (DoubleSupplier turn = turns.take(); ; turn = turns.take()) {
                if (turn == OPERATOR_TURN) {
                    sliceStarted = System.nanoTime();
                    return;
                }
                rates.put(turn.getAsDouble());
            }
        }

        static ScoredWindow scored(ScoredWindow window) throws InterruptedException {
            if (scored.incrementAndGet() % slice == 0) {
                rates.put(slice / ((System.nanoTime() - sliceStarted) / 1e9));
            }
            return window;
        }
    }
}
