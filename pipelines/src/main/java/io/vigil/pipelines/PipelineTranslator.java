package io.vigil.pipelines;

import io.vigil.pipelines.internal.BatchScoringOperator;
import io.vigil.pipelines.internal.JsonReadingDecoder;
import io.vigil.pipelines.internal.Reading;
import io.vigil.pipelines.internal.ResultEmitter;
import io.vigil.pipelines.internal.ScoredWindow;
import io.vigil.pipelines.internal.WindowAssembler;
import io.vigil.pipelines.internal.WindowTensor;
import io.vigil.pipelines.spec.PipelineSpec;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Builds the Flink graph of one pipeline, top to bottom:
 *
 * <pre>
 * messages → decode → event time → keyBy(asset) → window → score (batched ONNX) → results
 *               ↘ dead letters            ↘ late readings
 * </pre>
 *
 * Every operator has a readable name and a stable uid derived from the pipeline name, so state
 * survives restarts and edits that leave an operator unchanged. The translator never reads YAML: it
 * gets a checked {@link PipelineSpec}.
 */
public final class PipelineTranslator {

    private PipelineTranslator() {}

    /** Adds the pipeline's operators to the graph that {@code messages} belongs to. */
    public static PipelineStreams translate(
            PipelineSpec spec, DataStream<InboundMessage> messages) {
        String p = spec.name();

        SingleOutputStreamOperator<Reading> readings =
                messages.process(new JsonReadingDecoder(spec))
                        .name(p + ": decode")
                        .uid(p + "-decode");

        SingleOutputStreamOperator<Reading> timed =
                readings.assignTimestampsAndWatermarks(
                                WatermarkStrategy.<Reading>forBoundedOutOfOrderness(
                                                spec.time().maxOutOfOrderness())
                                        .withTimestampAssigner(
                                                (reading, ignored) -> reading.timestamp())
                                        .withIdleness(spec.time().idleTimeout()))
                        .name(p + ": event time")
                        .uid(p + "-event-time");

        SingleOutputStreamOperator<WindowTensor> windows =
                timed.keyBy(Reading::asset)
                        .process(new WindowAssembler(spec))
                        .name(p + ": window")
                        .uid(p + "-window");

        SingleOutputStreamOperator<ScoredWindow> scored =
                windows.transform(
                                p + ": score",
                                TypeInformation.of(ScoredWindow.class),
                                new BatchScoringOperator(
                                        p,
                                        spec.model().location(),
                                        spec.model().batchSize(),
                                        spec.model().batchTimeout().toMillis()))
                        .uid(p + "-score");

        // Scoring keeps the window operator's partitioning, so the results need no second shuffle.
        SingleOutputStreamOperator<OutboundMessage> results =
                DataStreamUtils.reinterpretAsKeyedStream(scored, ScoredWindow::asset, Types.STRING)
                        .process(new ResultEmitter(spec))
                        .name(p + ": results")
                        .uid(p + "-results");

        DataStream<OutboundMessage> plant =
                readings.getSideOutput(JsonReadingDecoder.DEAD_LETTERS)
                        .union(windows.getSideOutput(WindowAssembler.LATE));
        return new PipelineStreams(results, plant);
    }
}
