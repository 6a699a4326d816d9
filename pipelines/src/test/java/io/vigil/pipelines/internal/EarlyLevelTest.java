package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.pipelines.ModelInput;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped RUL pipeline's early-mean channels: each engine's mean over its first 25 cycles must
 * still reach the model long after those cycles have left the 50-cycle window, across a restore
 * from a checkpoint, and for each engine on its own.
 */
class EarlyLevelTest {

    private static final Path PIPELINE = Path.of("../config/pipelines/cmapss-rul.yaml");

    private PipelineSpec spec;
    private List<String> inputs;
    private List<String> channels;

    @BeforeEach
    void parseTheShippedPipeline() throws Exception {
        spec = PipelineParser.parse(PIPELINE);
        inputs = spec.source().inputs().stream().map(c -> c.name()).toList();
        channels = spec.model().card().channels();
    }

    @Test
    void anEnginesEarlyLevelOutlivesItsWindowAndARestore() throws Exception {
        var harness = WindowAssemblerHarness.open(spec);
        feed(harness, "engine-a", 0, 1, 40);
        feed(harness, "engine-b", 1000, 1, 40);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        var restored = WindowAssemblerHarness.restore(spec, snapshot);
        feed(restored, "engine-a", 0, 41, 80);
        feed(restored, "engine-b", 1000, 41, 80);
        List<ModelInput> windows = restored.extractOutputValues();
        restored.close();

        for (String engine : List.of("engine-a", "engine-b")) {
            float offset = engine.equals("engine-a") ? 0 : 1000;
            List<ModelInput> own = windows.stream().filter(w -> w.asset().equals(engine)).toList();
            ModelInput last = own.get(own.size() - 1);
            int rows = spec.window().rows();
            // The window holds cycles 31 to 80: none of the first 25.
            assertThat(value(last, rows - 1, "cycle")).isEqualTo(80);
            assertThat(value(last, 0, "cycle")).isEqualTo(31);
            for (String input : inputs) {
                if (input.equals("cycle")) {
                    continue;
                }
                int i = inputs.indexOf(input);
                assertThat(channels).contains(input + "_early");
                // The sensor's value is offset + 100 i + cycle, so its mean over cycles 1 to 25 is
                // offset + 100 i + 13, in every row.
                for (int r = 0; r < rows; r++) {
                    assertThat(value(last, r, input + "_early")).isEqualTo(offset + 100 * i + 13);
                }
                assertThat(value(last, rows - 1, input)).isEqualTo(offset + 100 * i + 80);
            }
        }
    }

    @Test
    void anEngineAlreadyInServiceStartsFromItsRecordedLevel(@TempDir Path dir) throws Exception {
        // engine-c joins at its 31st cycle, with its early levels from its records; engine-d joins
        // at its 31st cycle with none. Both run as engine-a, which the gateway saw from cycle 1.
        StringBuilder csv = new StringBuilder("asset");
        StringBuilder row = new StringBuilder("\nengine-c");
        for (String input : inputs) {
            if (!input.equals("cycle")) {
                csv.append(',').append(input);
                row.append(',').append(100 * inputs.indexOf(input) + 13);
            }
        }
        Files.writeString(dir.resolve("levels.csv"), csv.append(row).append('\n'));
        String yaml =
                Files.readString(PIPELINE)
                        .replace("source:\n", "source:\n  early-levels: levels.csv\n");
        PipelineSpec seeded = PipelineParser.parse("rul.yaml", yaml, dir);

        var harness = WindowAssemblerHarness.open(seeded);
        feed(harness, "engine-a", 0, 1, 80);
        feed(harness, "engine-c", 0, 31, 80);
        feed(harness, "engine-d", 0, 31, 80);
        List<ModelInput> windows = harness.extractOutputValues();
        harness.close();

        float[] a = last(windows, "engine-a").data();
        // With its recorded level, engine-c's 80th-cycle window is engine-a's to the last value.
        assertThat(last(windows, "engine-c").data()).containsExactly(a);
        // Without one, engine-d's level is its cycles 31 to 55: its drift reads 30 cycles too
        // small.
        ModelInput d = last(windows, "engine-d");
        int rows = spec.window().rows();
        for (String input : inputs) {
            if (!input.equals("cycle")) {
                assertThat(value(d, rows - 1, input + "_early"))
                        .isEqualTo(100 * inputs.indexOf(input) + 43);
            }
        }
    }

    private static ModelInput last(List<ModelInput> windows, String engine) {
        List<ModelInput> own = windows.stream().filter(w -> w.asset().equals(engine)).toList();
        assertThat(own).as(engine).isNotEmpty();
        return own.get(own.size() - 1);
    }

    /** Cycles {@code from} to {@code to} of one engine, one reading each, a second apart. */
    private void feed(
            KeyedOneInputStreamOperatorTestHarness<String, Reading, ModelInput> harness,
            String engine,
            float offset,
            int from,
            int to)
            throws Exception {
        for (int cycle = from; cycle <= to; cycle++) {
            float[] values = new float[inputs.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = inputs.get(i).equals("cycle") ? cycle : offset + 100 * i + cycle;
            }
            long ts = cycle * 1000L;
            harness.processElement(new Reading(engine, ts, values), ts);
        }
    }

    private float value(ModelInput window, int row, String channel) {
        return window.data()[row * channels.size() + channels.indexOf(channel)];
    }
}
