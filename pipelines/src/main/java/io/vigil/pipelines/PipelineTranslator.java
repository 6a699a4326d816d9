package io.vigil.pipelines;

import io.vigil.models.ModelCard;
import io.vigil.pipelines.internal.BatchScoringOperator;
import io.vigil.pipelines.internal.Reading;
import io.vigil.pipelines.internal.ReadingDecoder;
import io.vigil.pipelines.internal.ReadingWatermarks;
import io.vigil.pipelines.internal.ResultEmitter;
import io.vigil.pipelines.internal.ScoredWindow;
import io.vigil.pipelines.internal.WindowAssembler;
import io.vigil.pipelines.spec.PipelineSpec;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Builds the Flink graph of one pipeline, top to bottom:
 *
 * <pre>
 * messages → on its topics → decode → event time
 *          → keyBy(asset) → window → score (batched ONNX) → detect and publish
 *                 ↘ dead letters, rebirth requests      ↘ late readings
 * </pre>
 *
 * Every operator has a readable name and a uid derived from the pipeline name and from the settings
 * its state depends on. An edit that leaves an operator's state layout alone (a threshold, a topic,
 * a rate limit) keeps its uid, so a restart from a savepoint keeps its windows and calibrated
 * thresholds; an edit that changes it (the channels, the window, the model) gives a new uid and
 * that operator starts empty. The translator never reads YAML: it gets a checked {@link
 * PipelineSpec}.
 */
public final class PipelineTranslator {

    private PipelineTranslator() {}

    /** Adds the pipeline's operators to the graph that {@code messages} belongs to. */
    public static PipelineStreams translate(
            PipelineSpec spec, DataStream<InboundMessage> messages) {
        String p = spec.name();
        PipelineSpec.Source source = spec.source();

        // The filter runs beside the source, so only this pipeline's messages are spread over the
        // decoders, round robin: every decoder sees readings as soon as any flow, and none holds
        // event time back for lack of them.
        SingleOutputStreamOperator<InboundMessage> mine =
                messages.filter(new OnTopics(source.filters()))
                        .setParallelism(messages.getParallelism())
                        .name(p + ": topics")
                        .uid(p + "-topics");

        SingleOutputStreamOperator<Reading> readings =
                mine.process(new ReadingDecoder(spec))
                        .name(p + ": decode " + source.format().yaml())
                        .uid(p + "-decode-" + source.format().yaml());
        if (source.format() == PipelineSpec.PayloadFormat.SPARKPLUG_B) {
            // A Sparkplug node's births define the aliases of its data messages: one decoder sees
            // them all. Decoding protobuf runs at many thousand messages a second on one core.
            readings.setParallelism(1);
        }

        SingleOutputStreamOperator<Reading> timed =
                readings.assignTimestampsAndWatermarks(
                                ReadingWatermarks.strategy(
                                        spec.time().maxOutOfOrderness(), spec.time().idleTimeout()))
                        .name(p + ": event time")
                        .uid(p + "-event-time");

        SingleOutputStreamOperator<ModelInput> windows =
                byAsset(timed)
                        .process(new WindowAssembler(spec))
                        .name(p + ": " + spec.window().type().yaml() + " window")
                        .uid(p + "-window-" + windowStateVersion(spec));

        ModelCard card = spec.model().card();
        SingleOutputStreamOperator<ScoredWindow> scored =
                windows.transform(
                                p + ": score " + card.name(),
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
                        .name(p + ": detect and publish")
                        .uid(p + "-detect-" + stateVersion(card.name(), card.version()));

        DataStream<OutboundMessage> plant =
                readings.getSideOutput(ReadingDecoder.DEAD_LETTERS)
                        .union(
                                readings.getSideOutput(ReadingDecoder.COMMANDS),
                                windows.getSideOutput(WindowAssembler.LATE));
        return new PipelineStreams(results, plant, windows);
    }

    /**
     * The readings keyed by asset. Where the decoders and the windows both run in one subtask, the
     * stream is already partitioned by asset (there is only one partition), so the shuffle is left
     * out: the windows then chain onto the source's thread, and no reading is serialized between
     * them. Keyed state is the same either way, so a savepoint taken at parallelism 1 restores at a
     * higher one, where the shuffle comes back.
     */
    private static KeyedStream<Reading, String> byAsset(DataStream<Reading> timed) {
        if (timed.getParallelism() == 1 && timed.getExecutionEnvironment().getParallelism() == 1) {
            return DataStreamUtils.reinterpretAsKeyedStream(timed, Reading::asset, Types.STRING);
        }
        return timed.keyBy(Reading::asset);
    }

    /** What the window state means: its channels and where its windows fall. */
    private static String windowStateVersion(PipelineSpec spec) {
        PipelineSpec.Window w = spec.window();
        return stateVersion(
                spec.source().inputs().stream().map(c -> c.name()).toList(),
                w.type().yaml(),
                w.length(),
                w.hop(),
                w.every(),
                w.gap(),
                w.rows(),
                w.samplePeriod());
    }

    /**
     * A short digest of the settings an operator's state depends on, stable across JVMs (built from
     * their text, never from identity hash codes).
     */
    private static String stateVersion(Object... settings) {
        return Integer.toHexString(
                java.util.Arrays.asList(settings).toString().hashCode() & 0xfffff);
    }

    /** Lets through the messages on the pipeline's topics; other pipelines' go elsewhere. */
    private static final class OnTopics
            implements org.apache.flink.api.common.functions.FilterFunction<InboundMessage> {
        private final List<String> filters;

        OnTopics(List<String> filters) {
            this.filters = filters;
        }

        @Override
        public boolean filter(InboundMessage message) {
            for (int i = 0; i < filters.size(); i++) {
                if (TopicFilters.matches(filters.get(i), message.topic())) {
                    return true;
                }
            }
            return false;
        }
    }
}
