package io.vigil.pipelines.internal;

import io.vigil.pipelines.ModelInput;
import io.vigil.pipelines.spec.PipelineSpec;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * A pipeline's window operator on Flink's keyed test harness, keyed by asset as the job keys it.
 */
final class WindowAssemblerHarness {

    private WindowAssemblerHarness() {}

    static KeyedOneInputStreamOperatorTestHarness<String, Reading, ModelInput> open(
            PipelineSpec spec) throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new WindowAssembler(spec)),
                        Reading::asset,
                        Types.STRING);
        harness.open();
        return harness;
    }
}
