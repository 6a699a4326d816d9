package io.vigil.bench;

import io.vigil.models.ModelCard;
import io.vigil.models.ModelLocation;
import io.vigil.models.OnnxModel;
import io.vigil.models.WindowScorer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of model inference on one thread, as the gateway's inference operator sees it.
 *
 * <ul>
 *   <li>{@link #score} calls {@link WindowScorer#score} on windows in raw units, the call the Flink
 *       operator makes: normalization, the ONNX session and the task's scoring;
 *   <li>{@link #bareSession} calls {@link OnnxModel#run} on windows already normalized: ONNX
 *       Runtime alone, the baseline the scorer's own work is measured against.
 * </ul>
 *
 * <p>The windows are random but seeded: each value is the card's normalization mean plus its
 * standard deviation times a Gaussian, so the model sees data in its training range. Both methods
 * open a session like the gateway's: one intra-op thread.
 *
 * <p>JMH reports the average time per call, and a call scores {@code batch} windows: the latency
 * per window is the time per call divided by {@code batch}. {@code bench/model-latency} runs {@link
 * #score} for every variant in a model's card and prints both, with windows per second.
 *
 * <pre>{@code
 * ./mvnw -q -B -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar 'InferenceBenchmark' \
 *     -p model=models/zoo/pump-transformer -p variant=fp32,int8 -p batch=1,32
 * }</pre>
 *
 * <p>{@code model} is a folder holding {@code card.json} and its ONNX file(s), relative to the
 * working directory; {@code variant} is {@value ModelLocation#DEFAULT_VARIANT} (the card's {@code
 * file}) or a key of the card's {@code variants}, such as {@code int8}. Warmup and measurement
 * below are defaults: {@code -wi}, {@code -w}, {@code -i}, {@code -r} and {@code -f} override them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class InferenceBenchmark {

    /** The same windows on every run, so results compare across runs and machines. */
    private static final long SEED = 42L;

    /** A folder holding {@code card.json} and the ONNX file(s) it names. */
    @Param("models/zoo/pump-transformer")
    public String model;

    /** {@value ModelLocation#DEFAULT_VARIANT}, or a key of the card's {@code variants}. */
    @Param(ModelLocation.DEFAULT_VARIANT)
    public String variant;

    /** Windows per call. */
    @Param({"1", "32"})
    public int batch;

    private WindowScorer scorer;
    private OnnxModel session;
    private float[] windows;
    private float[] normalizedWindows;
    private float[] channelErrors;
    private double[] scores;

    @Setup(Level.Trial)
    public void open() {
        ModelLocation location = ModelLocation.directory(Path.of(model));
        if (!ModelLocation.DEFAULT_VARIANT.equals(variant)) {
            location = location.withVariant(variant);
        }
        scorer = WindowScorer.open(location);
        session = OnnxModel.open(location);
        ModelCard card = scorer.card();
        int channels = card.channelCount();
        float[] mean = card.mean();
        float[] std = card.std();
        Random random = new Random(SEED);
        windows = new float[batch * card.windowSize()];
        normalizedWindows = new float[windows.length];
        for (int i = 0; i < windows.length; i++) {
            int c = i % channels;
            windows[i] = (float) (mean[c] + std[c] * random.nextGaussian());
            normalizedWindows[i] = (windows[i] - mean[c]) / std[c];
        }
        channelErrors = new float[batch * channels];
        scores = new double[batch];
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            scorer.close();
        } finally {
            session.close();
        }
    }

    /** Scores {@code batch} raw windows as the inference operator does. */
    @Benchmark
    public double[] score() {
        scorer.score(windows, batch, channelErrors, scores);
        return scores;
    }

    /** Runs the ONNX session alone on {@code batch} normalized windows. */
    @Benchmark
    public float[] bareSession() {
        return session.run(normalizedWindows, batch);
    }
}
