package io.vigil.pipelines.internal;

import io.vigil.pipelines.spec.MissingPolicy;
import io.vigil.pipelines.spec.Resampling;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Window assembly and tensor building, the hot paths between decoding and the model, on the pump
 * pipeline's shape (5 channels at 100 ms, 64-row windows, hop 1 s): {@link #addReading} takes one
 * reading into an asset's samples (what the window operator does per reading, eviction included),
 * {@link #buildTensor} resamples a full window onto the model's grid (what it does per window).
 * Lives in the pipelines' internal package, whose classes it drives directly.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar WindowAssemblyBenchmark
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class WindowAssemblyBenchmark {

    private static final int CHANNELS = 5;
    private static final int ROWS = 64;
    private static final long PERIOD = 100;

    private AssetSamples samples;
    private AssetSamples full;
    private float[][] readings;
    private float[] tensor;
    private long time;
    private int next;

    @Setup
    public void open() {
        Random random = new Random(42);
        readings = new float[1024][CHANNELS];
        for (float[] reading : readings) {
            for (int c = 0; c < CHANNELS; c++) {
                reading[c] = (float) random.nextGaussian();
            }
        }
        samples = new AssetSamples(CHANNELS);
        full = new AssetSamples(CHANNELS);
        for (int i = 0; i < ROWS + 10; i++) {
            full.add(i * PERIOD, readings[i]);
        }
        tensor = new float[ROWS * CHANNELS];
        time = 0;
    }

    /** One reading in, and the samples older than the longest window out every hop. */
    @Benchmark
    public long addReading() {
        time += PERIOD;
        samples.add(time, readings[next++ & 1023]);
        if (time % 1_000 == 0) {
            samples.evictBefore(time - ROWS * PERIOD);
        }
        return samples.readings;
    }

    /** One window's tensor: 64 rows × 5 channels, last value per cell, forward fill. */
    @Benchmark
    public float[] buildTensor() {
        Resampler.resample(
                full,
                10 * PERIOD,
                PERIOD,
                ROWS,
                Resampling.LAST,
                MissingPolicy.FORWARD_FILL,
                1_000,
                null,
                tensor);
        return tensor;
    }
}
