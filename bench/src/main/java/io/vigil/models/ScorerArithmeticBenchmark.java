package io.vigil.models;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Java arithmetic around the ONNX call in {@link AnomalyScorer#score}, per batch of windows on
 * a model's shape: {@link #normalize} ({@link WindowNormalizer}) and {@link #channelErrors}. Each
 * runs beside the loop it replaced on 2026-12-06 ({@link #normalizeRowByRow}, {@link
 * #channelErrorsValueByValue}), kept here as the baseline. Lives in the models package, whose
 * package-private classes it drives directly.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar ScorerArithmeticBenchmark
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class ScorerArithmeticBenchmark {

    /** A folder holding {@code card.json}, relative to the working directory. */
    @Param("models/zoo/pump-transformer")
    public String model;

    @Param("32")
    public int batch;

    private WindowNormalizer normalizer;
    private int length;
    private int outputLength;
    private int channels;
    private float[] mean;
    private float[] inverseStd;
    private float[] windows;
    private float[] normalized;
    private float[] output;
    private float[] scratch;
    private float[] errors;

    @Setup
    public void open() {
        ModelCard card = ModelLocation.directory(Path.of(model)).loadCard();
        normalizer = new WindowNormalizer(card);
        length = card.windowLength();
        outputLength = card.outputLength();
        channels = card.channelCount();
        mean = card.mean();
        inverseStd = new float[channels];
        for (int c = 0; c < channels; c++) {
            inverseStd[c] = 1f / card.std()[c];
        }
        Random random = new Random(42);
        windows = new float[batch * card.windowSize()];
        normalized = new float[windows.length];
        output = new float[batch * outputLength * channels];
        for (int i = 0; i < windows.length; i++) {
            windows[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < output.length; i++) {
            output[i] = (float) random.nextGaussian();
        }
        scratch = new float[output.length];
        errors = new float[batch * channels];
    }

    @Benchmark
    public float[] normalize() {
        return normalizer.normalize(windows, batch);
    }

    /** The loop {@link WindowNormalizer} had before: row by row, channel by channel. */
    @Benchmark
    public float[] normalizeRowByRow() {
        for (int row = 0; row < batch * length * channels; row += channels) {
            for (int c = 0; c < channels; c++) {
                normalized[row + c] = (windows[row + c] - mean[c]) * inverseStd[c];
            }
        }
        return normalized;
    }

    @Benchmark
    public float[] channelErrors() {
        // channelErrors overwrites the output it is given, as the scorer's is used once.
        System.arraycopy(output, 0, scratch, 0, output.length);
        AnomalyScorer.channelErrors(
                windows, scratch, batch, length, outputLength, channels, errors);
        return errors;
    }

    /** The loop {@link AnomalyScorer#channelErrors} had before: each value added into errors. */
    @Benchmark
    public float[] channelErrorsValueByValue() {
        // The same copy as channelErrors, so the two differ only in the loop.
        System.arraycopy(output, 0, scratch, 0, output.length);
        java.util.Arrays.fill(errors, 0f);
        int skipped = length - outputLength;
        for (int b = 0; b < batch; b++) {
            int inputBase = (b * length + skipped) * channels;
            int outputBase = b * outputLength * channels;
            for (int t = 0; t < outputLength; t++) {
                for (int c = 0; c < channels; c++) {
                    float d =
                            scratch[outputBase + t * channels + c]
                                    - windows[inputBase + t * channels + c];
                    errors[b * channels + c] += d * d;
                }
            }
            for (int c = 0; c < channels; c++) {
                errors[b * channels + c] /= outputLength;
            }
        }
        return errors;
    }
}
