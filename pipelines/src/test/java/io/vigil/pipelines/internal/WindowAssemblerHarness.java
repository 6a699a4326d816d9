package io.vigil.pipelines.internal;

import io.vigil.pipelines.ModelInput;
import io.vigil.pipelines.spec.PipelineSpec;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * A pipeline's window operator on Flink's keyed test harness, keyed by asset as the job keys it.
 */
final class WindowAssemblerHarness {

    private WindowAssemblerHarness() {}

    static KeyedOneInputStreamOperatorTestHarness<String, Reading, ModelInput> open(
            PipelineSpec spec) throws Exception {
        var harness = create(spec);
        harness.open();
        return harness;
    }

    /** The operator restored from {@code snapshot}, as after a restart from a checkpoint. */
    static KeyedOneInputStreamOperatorTestHarness<String, Reading, ModelInput> restore(
            PipelineSpec spec, OperatorSubtaskState snapshot) throws Exception {
        var harness = create(spec);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        return harness;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Reading, ModelInput> create(
            PipelineSpec spec) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WindowAssembler(spec)),
                Reading::asset,
                Types.STRING);
    }
}
