package io.vigil.bench;

import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.internal.decode.JsonDecoder;
import io.vigil.pipelines.internal.decode.Readings;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Payload decoding, the first hot path: the shipped pump pipeline's JSON decoder on one message of
 * {@code readings} readings (one: a plain object of about 110 bytes; more: a JSON array), as the
 * decode operator calls it. JMH reports the time per message; per reading is that over {@code
 * readings}.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar DecodeBenchmark -p readings=1,10
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class DecodeBenchmark {

    /** Readings per message. */
    @Param({"1", "10"})
    public int readings;

    private JsonDecoder decoder;
    private InboundMessage message;

    @Setup
    public void open() throws Exception {
        PipelineSpec spec = PipelineParser.parse(Path.of("config/pipelines/pump-anomaly.yaml"));
        decoder = new JsonDecoder(spec.source());
        StringBuilder json = new StringBuilder(readings > 1 ? "[" : "");
        for (int r = 0; r < readings; r++) {
            json.append(r > 0 ? "," : "")
                    .append(
                            String.format(
                                    Locale.ROOT,
                                    "{\"ts\":%d,\"vibration\":1.1432,\"pressure\":5.5991,"
                                            + "\"temperature\":53.675,\"current\":23.327,"
                                            + "\"flow\":51.618}",
                                    1_700_000_000_000L + 100L * r));
        }
        json.append(readings > 1 ? "]" : "");
        message =
                new InboundMessage(
                        "plant/pumps/pump-00042/telemetry",
                        json.toString().getBytes(StandardCharsets.UTF_8),
                        0L);
    }

    @Benchmark
    public void decode(Blackhole blackhole) {
        decoder.decode(message, new Sink(blackhole));
    }

    /** Hands every reading to the blackhole, so none is optimized away. */
    private record Sink(Blackhole blackhole) implements Readings {
        @Override
        public void reading(String asset, long timestamp, float[] values) {
            blackhole.consume(asset);
            blackhole.consume(timestamp);
            blackhole.consume(values);
        }

        @Override
        public void reject(String reason) {
            throw new IllegalStateException(reason);
        }

        @Override
        public void unused() {}

        @Override
        public void command(OutboundMessage message) {}
    }
}
